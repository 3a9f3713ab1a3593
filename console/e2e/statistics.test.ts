import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, DailyStatistics } from '../src/api/types.js';
import {
  type ConsoleHarness,
  saveScreenshot,
  signIn,
  startConsoleHarness,
} from './support/console-harness.js';

let harness: ConsoleHarness;
let connectorId: string;
let audienceId: string;
/** The UTC day the deliveries were counted on, as the service reports it. */
let today: string;

const PROFILE_IDS = ['stats-1', 'stats-2', 'stats-3'];
const REJECTED_PROFILE_ID = 'stats-rejected';
const PARTNER_MESSAGE = 'The custom audience does not exist for this ad account';

beforeAll(async () => {
  harness = await startConsoleHarness();
  const { api, simulator } = harness;
  const connector = await api<Connector>('POST', '/connectors', {
    type: 'meta-custom-audiences',
    name: 'Meta statistics',
    settings: { adAccountId: '1234567890', baseUrl: simulator.url, timeoutMs: 200 },
    credentials: { accessToken: 'statistics-token' },
  });
  connectorId = connector.id;
  await api('POST', '/profiles', {
    profiles: [...PROFILE_IDS, REJECTED_PROFILE_ID].map((id) => ({
      id,
      identifiers: { email: `${id}@example.com` },
    })),
  });
  const customAudienceId = await simulator.createAudience('Statistics audience');
  const audience = await api<{ id: string }>('POST', '/audiences', {
    name: 'Statistics members',
    connections: [{ connectorId, settings: { customAudienceId } }],
  });
  audienceId = audience.id;
});

afterAll(async () => {
  await harness?.close();
});

async function statistics(days: 7 | 30): Promise<DailyStatistics> {
  return harness.api<DailyStatistics>('GET', `/connectors/${connectorId}/stats?days=${days}`);
}

/** Reads one cell of the accessible table: the row of `date`, the column of `category`. */
async function tableCell(date: string, category: string): Promise<string | null> {
  return harness.page
    .getByTestId('delivery-table')
    .locator(`tr[data-date="${date}"] td[data-category="${category}"]`)
    .textContent();
}

describe('connector statistics', () => {
  it('counts timeout, adds, removal, partner error', async () => {
    const { api, simulator } = harness;
    // The first upload waits 1000 ms, past the connector's 200 ms timeout; the retry succeeds.
    await simulator.fault({ mode: 'delay', delayMs: 1000, count: 1 });
    await api('POST', `/audiences/${audienceId}/members`, { add: PROFILE_IDS });
    await expect.poll(async () => (await statistics(7)).totals.added, { timeout: 15_000 }).toBe(3);
    await api('POST', `/audiences/${audienceId}/members`, { remove: ['stats-3'] });
    await expect
      .poll(async () => (await statistics(7)).totals.removed, { timeout: 15_000 })
      .toBe(1);

    // Meta's code 100 with subcode 33 is final: one failed attempt, failed for good.
    await simulator.fault({
      mode: 'partner_error',
      code: 100,
      subcode: 33,
      message: PARTNER_MESSAGE,
      count: 1,
    });
    await api('POST', `/audiences/${audienceId}/members`, { add: [REJECTED_PROFILE_ID] });
    await expect.poll(async () => (await statistics(7)).totals.failed, { timeout: 15_000 }).toBe(1);

    const report = await statistics(7);
    expect(report.totals.errors.timeout).toBe(3);
    expect(report.totals.errors.partner).toEqual({ '100/33': 1 });
    today = report.days.at(-1)?.date ?? '';
    expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('7-day numbers in table and tooltip', async () => {
    const { page } = harness;
    await signIn(page);
    await page.goto(`/connectors/${connectorId}`);
    await page.getByRole('heading', { name: 'Meta statistics' }).waitFor();
    await expect
      .poll(() => page.getByTestId('delivery-window').getAttribute('data-days'))
      .toBe('7');

    await page.getByRole('button', { name: 'Show table' }).click();
    expect(await page.getByTestId('delivery-table').locator('tbody tr').count()).toBe(7);
    expect(await tableCell(today, 'added')).toBe('3');
    expect(await tableCell(today, 'removed')).toBe('1');
    expect(await tableCell(today, 'timeout')).toBe('3');
    expect(await tableCell(today, 'invalid_credentials')).toBe('0');
    expect(await tableCell(today, 'partner_error')).toBe('1');
    expect(await tableCell(today, 'other')).toBe('0');
    expect(await tableCell('total', 'added')).toBe('3');

    const chart = page.getByTestId('delivery-chart');
    await chart.locator('[data-category="added"]').last().hover();
    const tooltip = page.locator('.recharts-tooltip-wrapper');
    await expect.poll(() => tooltip.textContent()).toContain('Added');
    const tooltipText = (await tooltip.textContent()) ?? '';
    expect(tooltipText).toMatch(/Added\s*3/);
    expect(tooltipText).toMatch(/Removed\s*1/);
    expect(tooltipText).toMatch(/Timeout\s*3/);
    await saveScreenshot(page.getByTestId('delivery-graph'), 'statistics', { docs: true });
  });

  it('moves the tooltip by keyboard', async () => {
    const { page } = harness;
    await page.mouse.move(0, 0);
    const surface = page.getByTestId('delivery-chart').locator('svg.recharts-surface').first();
    await surface.focus();
    for (let day = 0; day < 6; day += 1) await page.keyboard.press('ArrowRight');
    const tooltip = page.locator('.recharts-tooltip-wrapper');
    await expect.poll(() => tooltip.textContent()).toMatch(/Added\s*3/);
    expect(await tooltip.textContent()).toMatch(/Timeout\s*3/);
  });

  it('draws the timeout in its colour', async () => {
    const { page } = harness;
    const timeoutBar = page.getByTestId('delivery-chart').locator('[data-category="timeout"]');
    expect(await timeoutBar.count()).toBeGreaterThan(0);
    const fills = await timeoutBar.evaluateAll((elements) =>
      elements.map((element) => element.getAttribute('fill')),
    );
    expect(new Set(fills)).toEqual(new Set(['#f08c00']));
    const added = page.getByTestId('delivery-chart').locator('[data-category="added"]');
    expect(await added.first().getAttribute('fill')).toBe('#2f9e44');
    const legend = page.getByRole('list', { name: 'Legend' });
    expect(await legend.locator('[data-category="timeout"]').textContent()).toBe('Timeout');
  });

  it('lists totals, skips, codes, samples', async () => {
    const { page } = harness;
    const totals = (await page.getByTestId('delivery-totals').textContent()) ?? '';
    expect(totals).toContain('Added3');
    expect(totals).toContain('Timeout3');
    expect(totals).toContain('Partner error1');
    expect(totals).toContain('Failed for good1');
    expect(await page.getByTestId('skips').textContent()).toContain('No identifier: 0');

    const codeRow = page.getByTestId('partner-codes').locator('tbody tr');
    expect(await codeRow.count()).toBe(1);
    expect(await codeRow.locator('th').textContent()).toBe('100/33');
    expect(await codeRow.locator('td').first().textContent()).toBe('1');
    expect(await codeRow.textContent()).toContain(PARTNER_MESSAGE);

    const samples = page.getByTestId('error-samples').locator('tbody tr');
    expect(await samples.first().textContent()).toContain('partner error');
    expect(await samples.nth(1).textContent()).toContain('timeout');
  });

  it('30-day window shows same numbers', async () => {
    const { page } = harness;
    await page.locator('label', { hasText: /^30 days$/ }).click();
    await expect
      .poll(() => page.getByTestId('delivery-window').getAttribute('data-days'))
      .toBe('30');
    expect(await page.getByTestId('delivery-table').locator('tbody tr').count()).toBe(30);
    expect(await tableCell(today, 'added')).toBe('3');
    expect(await tableCell(today, 'removed')).toBe('1');
    expect(await tableCell(today, 'timeout')).toBe('3');
    const earlier = await page
      .getByTestId('delivery-table')
      .locator('tbody tr')
      .first()
      .getAttribute('data-date');
    const report = await statistics(30);
    expect(earlier).toBe(report.days[0]?.date);
  });
});
