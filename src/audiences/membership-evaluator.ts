import type { Logger } from '../log/logger.js';
import type { Profile } from '../profiles/profile.js';
import { evaluateRule } from '../rules/evaluate-rule.js';
import type { Rule } from '../rules/rule.js';
import type { AudienceRepository, AudienceRow } from '../store/audience-repository.js';
import type { ProfileRepository } from '../store/profile-repository.js';
import type { MembershipChanges } from './membership-changes.js';

/** Profiles read per page during a full evaluation. */
const PAGE_SIZE = 2_000;

/** Re-evaluates rule-based audiences when profiles change, when a rule changes, and on a timer. */
export class MembershipEvaluator {
  constructor(
    private readonly options: {
      audiences: AudienceRepository;
      profiles: ProfileRepository;
      changes: MembershipChanges;
      logger: Logger;
      now?: () => Date;
    },
  ) {}

  /** Evaluates every rule audience for profiles that were just stored. */
  async profilesChanged(profiles: Profile[]): Promise<void> {
    if (profiles.length === 0) return;
    for (const audience of await this.options.audiences.ruleAudiences()) {
      await this.#evaluate(audience, profiles, true);
    }
  }

  /** Evaluates one rule audience over every stored profile. */
  async evaluateAll(audience: AudienceRow): Promise<void> {
    let afterId: string | undefined;
    for (;;) {
      const page = await this.options.profiles.page(afterId, PAGE_SIZE);
      if (page.length === 0) break;
      await this.#evaluate(audience, page, false);
      afterId = page[page.length - 1]?.id;
    }
  }

  /** Evaluates the audiences whose rules change with time (`within_last_days`). */
  async evaluateTimeDependent(): Promise<void> {
    for (const audience of await this.options.audiences.ruleAudiences()) {
      if (audience.time_dependent) await this.evaluateAll(audience);
    }
  }

  /** `resendMembers`: profiles that stay members are sent again, because they changed. */
  async #evaluate(audience: AudienceRow, profiles: Profile[], resendMembers: boolean) {
    const rule = JSON.parse(audience.rule ?? 'null') as Rule | null;
    if (!rule) return;
    const now = this.options.now?.() ?? new Date();
    const members = await this.options.audiences.membersAmong(
      audience.id,
      profiles.map((profile) => profile.id),
    );
    const entered: Profile[] = [];
    const exited: Profile[] = [];
    const stayed: Profile[] = [];
    for (const profile of profiles) {
      const matches = evaluateRule(rule, profile, now);
      const member = members.has(profile.id);
      if (matches && !member) entered.push(profile);
      if (!matches && member) exited.push(profile);
      if (matches && member && resendMembers) stayed.push(profile);
    }
    await this.options.changes.apply(audience.id, entered, exited, stayed);
  }
}
