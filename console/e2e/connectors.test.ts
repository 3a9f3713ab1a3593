import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector } from '../src/api/types.js';
import {
  type ConsoleHarness,
  PHONE_VIEWPORT,
  saveScreenshot,
  signIn,
  startConsoleHarness,
} from './support/console-harness.js';

let harness: ConsoleHarness;
let connectorId: string;

beforeAll(async () => {
  harness = await startConsoleHarness();
});

afterAll(async () => {
  await harness?.close();
});

function connectorRow(name: string) {
  return harness.page.getByRole('article', { name: `Connector ${name}` });
}

describe('connectors console', () => {
  it('sign-in stores only the session and CSRF cookies', async () => {
    const { page, context } = harness;
    await page.goto('/');
    await page.getByLabel('API token').fill('wrong-token-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText('The API token is not valid').count()).toBe(1);

    await signIn(page);

    const cookies = await context.cookies();
    const session = cookies.find((cookie) => cookie.name === 'activator_session');
    const csrf = cookies.find((cookie) => cookie.name === 'activator_csrf');
    expect(cookies.map((cookie) => cookie.name).sort()).toEqual([
      'activator_csrf',
      'activator_session',
    ]);
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    // The console's script reads the CSRF token and echoes it in a header on every change.
    expect(csrf?.httpOnly).toBe(false);
    expect(csrf?.sameSite).toBe('Strict');
    const stored = await page.evaluate(() => localStorage.length + sessionStorage.length);
    expect(stored).toBe(0);
    await expect.poll(() => page.getByText('No connectors yet').count()).toBe(1);
  });

  it('catalog filters by search and kind', async () => {
    const { page } = harness;
    await page.getByRole('link', { name: 'New connector' }).first().click();
    await page.getByRole('heading', { name: 'Server-to-server' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Tag-based' }).count()).toBe(1);

    await page.getByLabel('Search').fill('no such partner');
    await expect
      .poll(() => page.getByText('No connector type of this kind matches the search.').count())
      .toBe(2);

    await page.getByLabel('Search').fill('meta');
    await page.locator('label', { hasText: /^Tag-based$/ }).click();
    expect(await page.getByRole('heading', { name: 'Server-to-server' }).count()).toBe(0);
    await page.locator('label', { hasText: /^Server-to-server$/ }).click();
    expect(await page.getByRole('heading', { name: 'Tag-based' }).count()).toBe(0);
    expect(
      await page.getByTestId('catalog-entry').filter({ hasText: 'Meta Custom Audiences' }).count(),
    ).toBe(1);
  });

  it('validation error beside its field', async () => {
    const { page, simulator } = harness;
    await page.getByRole('link', { name: 'Configure Meta Custom Audiences' }).click();
    await page.getByRole('heading', { name: 'New Meta Custom Audiences connector' }).waitFor();
    expect(await page.getByText('Several connectors allowed').count()).toBe(1);

    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Meta NL');
    await page.getByLabel('Ad account id').fill('not-digits');
    await page.getByLabel('Base URL').fill(simulator.url);
    await page.getByLabel('Access token').fill('token-from-the-console');
    await page.getByRole('button', { name: 'Create connector' }).click();

    const field = page.locator('[data-field="settings.adAccountId"]');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    const errorId = await field.getAttribute('aria-describedby');
    expect(errorId).toBeTruthy();
    const fieldError = page
      .locator('.mantine-InputWrapper-root', { has: field })
      .locator('.mantine-InputWrapper-error');
    expect(await fieldError.textContent()).toContain('settings.adAccountId has an invalid format');
  });

  it('creates Meta connector from catalog', async () => {
    const { page, api } = harness;
    expect(await page.getByLabel('Access token').getAttribute('type')).toBe('password');
    await page.getByLabel('Ad account id').fill('act_1234567890');
    await page.getByRole('button', { name: 'Create connector' }).click();

    await page.getByRole('heading', { name: 'Meta NL' }).waitFor();
    expect(await page.getByText('Connector created').count()).toBe(1);
    connectorId = page.url().split('/').pop() ?? '';
    const stored = await api<Connector>('GET', `/connectors/${connectorId}`);
    expect(stored.settings.adAccountId).toBe('1234567890');
    expect(stored.settings.baseUrl).toBe(harness.simulator.url);
    expect(stored.credentials).toEqual({ accessToken: '***' });
    const settingsTable = await page.getByTestId('connector-settings').textContent();
    expect(settingsTable).toContain('1234567890');
    expect(settingsTable).not.toContain('token-from-the-console');
  });

  it('lists connector under its partner', async () => {
    const { page } = harness;
    await page.getByRole('link', { name: 'Server to Server Connectors' }).click();
    const row = connectorRow('Meta NL');
    await row.waitFor();
    const group = page.getByRole('region', { name: 'Meta Custom Audiences' });
    expect(await group.getByText('several connectors allowed').count()).toBe(1);
    expect(await row.getByTestId('status-label').textContent()).toBe('active');
    expect(await row.getByTestId('usage-counts').textContent()).toBe(
      'Used by 0 audiences, 0 journeys',
    );
    await expect
      .poll(() => row.getByTestId('sparkline-total').textContent())
      .toBe('0 delivered in 7 days');
    expect(await row.getByRole('button', { name: 'Delete' }).isEnabled()).toBe(true);
  });

  it('tests the connection successfully', async () => {
    const { page } = harness;
    await connectorRow('Meta NL').getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit Meta NL' }).waitFor();
    expect(await page.getByLabel('Access token').inputValue()).toBe('');

    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.getByTestId('test-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('Connection works');
  });

  it('invalid credentials show partner code', async () => {
    const { page, simulator } = harness;
    await simulator.fault({ mode: 'expired_token', count: 1 });
    await page.getByRole('button', { name: 'Test connection' }).click();
    const result = page.getByTestId('test-result');
    await expect.poll(() => result.textContent()).toContain('Invalid credentials');
    expect(await result.textContent()).toContain('Partner code 190/463');
  });

  it('empty secret field keeps secret', async () => {
    const { page, api } = harness;
    await page.getByLabel('Request timeout (ms)').fill('5000');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Meta NL' }).waitFor();
    const stored = await api<Connector>('GET', `/connectors/${connectorId}`);
    expect(stored.settings.timeoutMs).toBe(5000);
    expect(stored.credentials).toEqual({ accessToken: '***' });
    const check = await api<{ ok: boolean }>('POST', `/connectors/${connectorId}/test`);
    expect(check.ok).toBe(true);
  });

  it('removes an optional stored secret', async () => {
    const { page, api } = harness;
    await api('PATCH', `/connectors/${connectorId}`, {
      credentials: { appSecret: 'app-secret-1' },
    });
    await page.goto(`/connectors/${connectorId}/edit`);
    expect(await page.getByLabel('App secret', { exact: true }).inputValue()).toBe('');
    await page.getByLabel('Remove the stored app secret').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Meta NL' }).waitFor();

    const stored = await api<Connector>('GET', `/connectors/${connectorId}`);
    expect(stored.credentials).toEqual({ accessToken: '***' });
  });

  it('delete disabled while in use', async () => {
    const { page, api, simulator } = harness;
    const customAudienceId = await simulator.createAudience('Console test audience');
    await api('POST', '/audiences', {
      name: 'Newsletter readers',
      connections: [{ connectorId, settings: { customAudienceId } }],
    });

    await page.getByRole('link', { name: 'Server to Server Connectors' }).click();
    const row = connectorRow('Meta NL');
    await expect
      .poll(() => row.getByTestId('usage-counts').textContent())
      .toBe('Used by 1 audience, 0 journeys');
    expect(await row.getByRole('button', { name: 'Delete' }).isDisabled()).toBe(true);
    const blocked = row.getByTestId('delete-blocked');
    expect(await blocked.textContent()).toContain('Detach it before deleting');
    const link = blocked.getByRole('link', { name: 'Newsletter readers' });
    expect(await link.getAttribute('href')).toMatch(/^\/audiences\/[\w-]+$/);
  });

  it('refused delivery shows credentials warning', async () => {
    const { page, api, simulator } = harness;
    const audiences = await api<{ items: { id: string }[] }>('GET', '/audiences');
    const audienceId = audiences.items[0]?.id ?? '';
    await api('POST', '/profiles', {
      profiles: [{ id: 'refused-1', identifiers: { email: 'refused-1@example.com' } }],
    });
    await simulator.fault({ mode: 'expired_token', count: 1 });
    await api('POST', `/audiences/${audienceId}/members`, { add: ['refused-1'] });
    await expect
      .poll(async () => (await api<Connector>('GET', `/connectors/${connectorId}`)).health, {
        timeout: 10_000,
      })
      .toBe('credentials_invalid');

    await page.reload();
    const row = connectorRow('Meta NL');
    await expect
      .poll(() => row.getByTestId('health-warning').textContent())
      .toBe('credentials invalid');

    await row.getByRole('link', { name: 'Meta NL' }).click();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expect
      .poll(() => page.getByTestId('test-result').textContent())
      .toContain('Connection works');
    await expect.poll(() => page.getByTestId('health-warning').count()).toBe(0);
  });

  it('deactivation confirmed and labelled', async () => {
    const { page, api } = harness;
    await page.getByRole('link', { name: 'Server to Server Connectors' }).click();
    const row = connectorRow('Meta NL');
    await row.getByRole('button', { name: 'Deactivate' }).click();
    const dialog = page.getByRole('dialog', { name: 'Deactivate Meta NL?' });
    expect(await dialog.textContent()).toContain('no new request to the partner starts');
    expect(await dialog.textContent()).toContain(
      '1 audience, 0 journeys stop reaching this partner',
    );
    await dialog.getByRole('button', { name: 'Deactivate' }).click();

    await expect.poll(() => row.getByTestId('status-label').textContent()).toBe('deactivated');
    expect((await api<Connector>('GET', `/connectors/${connectorId}`)).status).toBe('deactivated');
    await saveScreenshot(page, 'connectors', { docs: true });

    await row.getByRole('button', { name: 'Activate' }).click();
    const activate = page.getByRole('dialog', { name: 'Activate Meta NL?' });
    expect(await activate.textContent()).toContain('resyncs');
    await activate.getByRole('button', { name: 'Activate' }).click();
    await expect.poll(() => row.getByTestId('status-label').textContent()).toBe('active');
  });

  it('row actions reachable by keyboard', async () => {
    const { page } = harness;
    await page.reload();
    await connectorRow('Meta NL').waitFor();
    let focused = '';
    for (let presses = 0; presses < 40 && focused !== 'Deactivate'; presses += 1) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    }
    expect(focused).toBe('Deactivate');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Deactivate Meta NL?' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('fits a 390 px wide screen', async () => {
    const { page } = harness;
    await page.setViewportSize(PHONE_VIEWPORT);
    await page.reload();
    await connectorRow('Meta NL').waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'connectors-390px');

    await page.getByRole('button', { name: 'Open navigation' }).click();
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.getByTestId('audit-cards').waitFor();
    expect(await page.getByTestId('audit-cards').textContent()).toContain('connector.deactivate');
    const auditOverflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(auditOverflow).toBeLessThanOrEqual(0);
    await saveScreenshot(page, 'audit-390px');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('shows a tag snippet to copy', async () => {
    const { page } = harness;
    const pixel = await harness.api<Connector>('POST', '/connectors', {
      type: 'meta-pixel',
      name: 'Shop pixel',
      settings: { pixelId: '123456789012345' },
      credentials: {},
    });
    await page.goto(`${harness.baseUrl}/connectors/${pixel.id}`);
    const snippet = page.getByTestId('connector-snippet');
    await snippet.waitFor();

    expect(await snippet.textContent()).toContain('123456789012345');
    expect(await page.getByRole('button', { name: 'Copy snippet' }).isVisible()).toBe(true);
  });

  it('sign-out ends the session', async () => {
    const { page, context, baseUrl } = harness;
    await page.goto('/connectors');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    const cookieHeader = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
    const response = await fetch(`${baseUrl}/api/v1/session`, {
      headers: { cookie: cookieHeader },
    });
    expect(response.status).toBe(401);
  });
});
