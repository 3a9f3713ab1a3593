import type { ConnectorCatalog } from '../connectors/catalog.js';
import type { DeliveryEngine } from '../delivery/delivery-engine.js';
import type { Logger } from '../log/logger.js';
import type { Profile } from '../profiles/profile.js';
import { evaluateRule } from '../rules/evaluate-rule.js';
import type { ConnectorRepository } from '../store/connector-repository.js';
import type { JourneyRepository, JourneyRow } from '../store/journey-repository.js';
import type { ProfileRepository } from '../store/profile-repository.js';
import { activationFor } from '../audiences/activation-for.js';
import {
  END_OF_JOURNEY,
  type JourneyDefinition,
  type JourneyStep,
} from './definition/journey-definition.js';

/** Steps one profile may take in one go; a published journey is acyclic, so this is a guard. */
const MAX_STEPS_PER_ADVANCE = 500;
const DUE_RUNS_PER_TICK = 1_000;

export interface JourneyRunnerOptions {
  journeys: JourneyRepository;
  profiles: ProfileRepository;
  connectors: ConnectorRepository;
  catalog: ConnectorCatalog;
  engine: Pick<DeliveryEngine, 'enqueue'>;
  logger: Logger;
  /** How often waiting profiles are checked, in ms. Default 1 s. */
  tickMs?: number;
  /** Whether this process resumes waiting runs now (one process per store does). */
  runsTimers?: () => Promise<boolean>;
  now?: () => number;
}

/**
 * Moves profiles through published journeys. A profile enters at the first step when its
 * trigger fires and no run of it is waiting in that journey. A wait stores the run with its
 * wake-up time. The timer then continues it from the wait's `next` step, read from the version
 * published at that moment. When a new version no longer has the step, the profile exits.
 */
export class JourneyRunner {
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;

  constructor(private readonly options: JourneyRunnerOptions) {
    this.#now = options.now ?? Date.now;
  }

  start(): void {
    this.#timer = setInterval(() => {
      this.#ticking ??= this.resumeDue().finally(() => {
        this.#ticking = undefined;
      });
    }, this.options.tickMs ?? 1_000);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#ticking;
  }

  async audienceEntered(audienceId: string, profiles: Profile[]): Promise<void> {
    const journeys = (await this.options.journeys.published()).filter((journey) => {
      const trigger = publishedOf(journey).trigger;

      return trigger.type === 'audience_entry' && trigger.audienceId === audienceId;
    });
    for (const journey of journeys) {
      for (const profile of profiles) await this.#enter(journey, profile);
    }
  }

  async eventReceived(profile: Profile, name: string): Promise<number> {
    const journeys = (await this.options.journeys.published()).filter((journey) => {
      const trigger = publishedOf(journey).trigger;

      return trigger.type === 'event' && trigger.name === name;
    });
    for (const journey of journeys) await this.#enter(journey, profile);

    return journeys.length;
  }

  /** Continues the runs whose wait is over. */
  async resumeDue(): Promise<void> {
    try {
      if (this.options.runsTimers && !(await this.options.runsTimers())) return;
      const runs = await this.options.journeys.dueRuns(this.#now(), DUE_RUNS_PER_TICK);
      for (const run of runs) {
        const journey = await this.options.journeys.get(run.journey_id);
        const profile = await this.options.profiles.get(run.profile_id);
        if (!journey?.published || !profile) {
          await this.#finish(run.journey_id, run.profile_id, run.step_id);
          continue;
        }
        const wait = publishedOf(journey).steps.find((step) => step.id === run.step_id);
        const next = wait && wait.type === 'wait' ? wait.next : END_OF_JOURNEY;
        await this.#advance(journey, profile, next);
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'journey timer failed; retrying at the next tick');
    }
  }

  async #enter(journey: JourneyRow, profile: Profile) {
    const run = await this.options.journeys.run(journey.id, profile.id);
    if (run?.status === 'waiting') return;
    const first = publishedOf(journey).steps[0];
    await this.#advance(journey, profile, first?.id ?? END_OF_JOURNEY);
  }

  async #advance(journey: JourneyRow, profile: Profile, startId: string) {
    const steps = new Map(publishedOf(journey).steps.map((step) => [step.id, step]));
    let stepId = startId;
    for (let taken = 0; taken < MAX_STEPS_PER_ADVANCE; taken += 1) {
      const step = steps.get(stepId);
      if (!step || step.type === 'exit') return this.#finish(journey.id, profile.id, stepId);
      if (step.type === 'wait') {
        return this.options.journeys.saveRun({
          journey_id: journey.id,
          profile_id: profile.id,
          step_id: step.id,
          status: 'waiting',
          wake_at: this.#now() + step.durationSeconds * 1000,
          updated_at: new Date(this.#now()).toISOString(),
        });
      }
      stepId = await this.#run(step, profile);
    }
    this.options.logger.error(
      { journeyId: journey.id },
      'journey run stopped after too many steps',
    );
  }

  /** Runs a send or condition step and returns the id of the next step. */
  async #run(
    step: Exclude<JourneyStep, { type: 'wait' | 'exit' }>,
    profile: Profile,
  ): Promise<string> {
    if (step.type === 'condition') {
      return evaluateRule(step.rule, profile, new Date(this.#now())) ? step.then : step.else;
    }
    const connector = await this.options.connectors.findById(step.connectorId);
    const type = connector ? this.options.catalog.get(connector.type) : undefined;
    if (!connector || !type || step.operation === 'send') {
      this.options.logger.warn(
        { connectorId: step.connectorId, stepId: step.id },
        'journey step skipped: connector unavailable',
      );

      return step.next;
    }
    // A deactivated connector still gets the activation: the engine counts it as a skip.
    await this.options.engine.enqueue([
      activationFor(
        {
          connectorId: connector.id,
          settings: step.settings,
          destinationKey: type.destinationKey(step.settings),
        },
        profile,
        step.operation,
      ),
    ]);

    return step.next;
  }

  async #finish(journeyId: string, profileId: string, stepId: string) {
    await this.options.journeys.saveRun({
      journey_id: journeyId,
      profile_id: profileId,
      step_id: stepId,
      status: 'done',
      wake_at: 0,
      updated_at: new Date(this.#now()).toISOString(),
    });
  }
}

function publishedOf(journey: JourneyRow): JourneyDefinition {
  return JSON.parse(journey.published ?? 'null') as JourneyDefinition;
}
