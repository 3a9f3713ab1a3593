import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Audience, Connector, Journey } from '../src/api/types.js';
import {
  type ConsoleHarness,
  saveScreenshot,
  signIn,
  startConsoleHarness,
} from './support/console-harness.js';

let harness: ConsoleHarness;
let connector: Connector;
let customAudienceId: string;
let audienceId: string;
let journeyId: string;

beforeAll(async () => {
  harness = await startConsoleHarness();
  const { api, simulator } = harness;
  connector = await api<Connector>('POST', '/connectors', {
    type: 'meta-custom-audiences',
    name: 'Meta audiences',
    settings: { adAccountId: '1234567890', baseUrl: simulator.url },
    credentials: { accessToken: 'audience-token' },
  });
  customAudienceId = await simulator.createAudience('Dutch customers');
  await api('POST', '/profiles', {
    profiles: [
      { id: 'nl-1', identifiers: { email: 'nl-1@example.com' }, attributes: { country: 'NL' } },
      { id: 'nl-2', identifiers: { email: 'nl-2@example.com' }, attributes: { country: 'NL' } },
      { id: 'nl-3', identifiers: { phone: '+31612345678' }, attributes: { country: 'NL' } },
      { id: 'de-1', identifiers: { email: 'de-1@example.com' }, attributes: { country: 'DE' } },
    ],
  });
  await signIn(harness.page);
});

afterAll(async () => {
  await harness?.close();
});

describe('audiences console', () => {
  it('rule builder creates an audience', async () => {
    const { page, api } = harness;
    await page.getByRole('link', { name: 'Audiences', exact: true }).click();
    await page.getByText('No audiences yet').waitFor();
    await page.getByRole('link', { name: 'New audience' }).first().click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Dutch with email');

    // country equals NL, and an email identifier exists.
    await page.getByRole('combobox', { name: 'Condition 1.1: name' }).fill('country');
    await page.getByRole('textbox', { name: 'Condition 1.1: value' }).fill('NL');
    await page.getByRole('button', { name: 'Add condition' }).click();
    await page.getByRole('combobox', { name: 'Condition 1.2: attribute or identifier' }).click();
    await page.getByRole('option', { name: 'Identifier' }).click();
    await page.getByRole('combobox', { name: 'Condition 1.2: name' }).fill('email');
    await page.getByRole('combobox', { name: 'Condition 1.2: operator' }).click();
    await page.getByRole('option', { name: 'exists (exists)' }).click();

    await page.getByRole('button', { name: 'Add connection' }).click();
    await page.getByRole('combobox', { name: 'Connector of connection 1' }).click();
    await page.getByRole('option', { name: /Meta audiences/ }).click();
    await page.getByLabel('Custom audience id').fill(customAudienceId);
    await page.getByRole('button', { name: 'Create audience' }).click();

    await page.getByRole('heading', { name: 'Dutch with email' }).waitFor();
    audienceId = page.url().split('/').pop() ?? '';
    const audience = await api<Audience>('GET', `/audiences/${audienceId}`);
    expect(audience.rule).toEqual({
      and: [
        { attribute: 'country', op: 'eq', value: 'NL' },
        { identifier: 'email', op: 'exists' },
      ],
    });
    expect(await page.getByTestId('member-count').textContent()).toBe('2 members');
  });

  it('rule error shown at condition', async () => {
    const { page } = harness;
    await page.goto('/audiences/new');
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Broken rule');
    await page.getByRole('combobox', { name: 'Condition 1.1: name' }).fill('age');
    await page.getByRole('combobox', { name: 'Condition 1.1: operator' }).click();
    await page.getByRole('option', { name: 'greater than (gt)' }).click();
    await page.getByRole('textbox', { name: 'Condition 1.1: value' }).fill('forty');
    await page.getByRole('button', { name: 'Create audience' }).click();

    const condition = page.getByRole('group', { name: 'Condition 1.1' });
    await expect
      .poll(() => condition.getByRole('alert').textContent())
      .toContain('rule.and[0].value');
  });

  it('shows delivery counts per connection', async () => {
    const { page, simulator } = harness;
    await expect
      .poll(async () => (await simulator.members(customAudienceId)).length, { timeout: 10_000 })
      .toBe(2);
    await page.goto(`/audiences/${audienceId}`);
    const row = page.getByTestId('audience-connections').locator('tbody tr');
    await expect.poll(() => row.locator('td').nth(1).textContent()).toBe('2');
    expect(await row.locator('td').nth(2).textContent()).toBe('0');
    expect(await page.getByRole('group', { name: 'Condition 1.1: name' }).count()).toBe(0);
    expect(await page.getByRole('combobox', { name: 'Condition 1.1: name' }).inputValue()).toBe(
      'country',
    );
    expect(await page.getByRole('combobox', { name: 'Condition 1.1: name' }).isDisabled()).toBe(
      true,
    );
    await saveScreenshot(page, 'audience');
  });

  it('lists audience with member count', async () => {
    const { page } = harness;
    await page.getByRole('link', { name: 'All audiences' }).click();
    const row = page
      .getByTestId('audiences-table')
      .locator('tbody tr', { hasText: 'Dutch with email' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Meta audiences');
    expect(await row.locator('td').nth(1).textContent()).toBe('2');
  });
});

describe('journeys console', () => {
  it('creates journey with send step', async () => {
    const { page, api } = harness;
    await page.getByRole('link', { name: 'Journeys', exact: true }).click();
    await page.getByRole('link', { name: 'New journey' }).first().click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Welcome');
    await page.getByRole('combobox', { name: 'Audience' }).click();
    await page.getByRole('option', { name: 'Dutch with email' }).click();
    await page.getByRole('combobox', { name: 'Step 1: connector' }).click();
    await page.getByRole('option', { name: /Meta audiences/ }).click();
    await page.getByLabel('Custom audience id').fill(customAudienceId);
    await page.getByRole('button', { name: 'Create journey' }).click();

    await page.getByRole('heading', { name: 'Welcome' }).waitFor();
    journeyId = page.url().split('/').pop() ?? '';
    const journey = await api<Journey>('GET', `/journeys/${journeyId}`);
    expect(journey.draft.steps).toEqual([
      {
        id: 's1',
        type: 'send',
        connectorId: connector.id,
        operation: 'add',
        settings: { customAudienceId },
        next: 'end',
      },
    ]);
    expect(await page.getByTestId('unpublished-banner').textContent()).toContain('Not published');
    expect(await page.getByTestId('version-published').textContent()).toContain(
      'Not published yet',
    );
    expect(await page.getByTestId('version-draft').textContent()).toContain('Meta audiences');
  });

  it('publishes after a confirmation', async () => {
    const { page } = harness;
    await page.getByRole('button', { name: 'Publish' }).click();
    const dialog = page.getByRole('dialog', { name: 'Publish Welcome?' });
    expect(await dialog.textContent()).toContain('continues from that step');
    await dialog.getByRole('button', { name: 'Publish' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await expect.poll(() => page.getByTestId('unpublished-banner').count()).toBe(0);
    expect(await page.getByTestId('version-published').textContent()).toContain('Meta audiences');
    expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
  });

  it('draft change shows the banner', async () => {
    const { page, api } = harness;
    await page.getByRole('button', { name: 'Add step' }).click();
    await page.getByRole('menuitem', { name: 'Wait' }).click();
    // The menu opens over the Save draft button; a click during its exit could miss the button.
    await page.getByRole('menu').waitFor({ state: 'hidden' });
    expect(await page.getByRole('combobox', { name: 'Step 1: next' }).inputValue()).toBe(
      'Step s2 (wait)',
    );
    expect(await page.getByRole('button', { name: 'Publish' }).isDisabled()).toBe(true);
    await page.getByRole('textbox', { name: 'Step 2: id' }).fill('pause');
    expect(await page.getByRole('combobox', { name: 'Step 1: next' }).inputValue()).toBe(
      'Step pause (wait)',
    );
    await page.getByRole('button', { name: 'Save draft' }).click();

    // Polls every message on the page, so a failed save shows its error in the assertion.
    await expect
      .poll(() => page.locator('[role="alert"], [role="status"]').allInnerTexts(), {
        timeout: 10_000,
      })
      .toContainEqual(expect.stringContaining('Unpublished changes'));
    expect(await page.getByRole('status').textContent()).toBe('Draft saved.');
    const journey = await api<Journey>('GET', `/journeys/${journeyId}`);
    expect(journey.hasUnpublishedChanges).toBe(true);
    expect(journey.draft.steps.map((step) => step.type)).toEqual(['send', 'wait']);
    expect(journey.draft.steps[0]).toMatchObject({ next: 'pause' });
    expect(journey.draft.steps[1]).toMatchObject({ id: 'pause', next: 'end' });
    expect(journey.published?.steps.map((step) => step.type)).toEqual(['send']);
    await saveScreenshot(page, 'journey');
  });

  it('delete note names the journey', async () => {
    const { page } = harness;
    await page.goto('/connectors');
    const row = page.getByRole('article', { name: 'Connector Meta audiences' });
    await expect
      .poll(() => row.getByTestId('usage-counts').textContent())
      .toBe('Used by 1 audience, 1 journey');
    const blocked = row.getByTestId('delete-blocked');
    expect(await blocked.getByRole('link', { name: 'Welcome' }).count()).toBe(2);
    expect(await blocked.getByRole('link', { name: 'Dutch with email' }).count()).toBe(1);
  });
});
