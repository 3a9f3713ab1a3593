import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { startTestSimulator } from '../../../src/test-support/simulator-client.js';
import type { DeliveryTuning } from '../../../src/app/service.js';
import { startTestService, TEST_TOKEN } from '../../../src/test-support/test-service.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CONSOLE_INDEX = path.join(ROOT, 'dist/console/index.html');

/** Debian's Chromium; no browser is downloaded for these tests. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless flags that also stop Chromium's own background connections (updates, sync, field
 * trials), so the browser talks only to the service on 127.0.0.1.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const DESKTOP_VIEWPORT = { width: 1280, height: 900 };
export const PHONE_VIEWPORT = { width: 390, height: 844 };

/**
 * Starts a real service on 127.0.0.1 (serving the built console from dist/console), the partner
 * simulator, and a Chromium page. `npm test` builds the console before Vitest runs.
 */
export async function startConsoleHarness(
  options: { env?: Record<string, string>; tuning?: DeliveryTuning } = {},
) {
  if (!existsSync(CONSOLE_INDEX)) {
    throw new Error(`${CONSOLE_INDEX} is missing; run \`npm run build\` first (npm test does).`);
  }
  const simulator = await startTestSimulator();
  const service = await startTestService(options.env, options.tuning);
  const baseUrl = await service.app.listen({ port: 0, host: '127.0.0.1' });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  } catch (error) {
    await service.dispose();
    await simulator.close();
    throw error;
  }
  const context: BrowserContext = await browser.newContext({
    viewport: DESKTOP_VIEWPORT,
    baseURL: baseUrl,
  });
  const page: Page = await context.newPage();
  // Shorter than Vitest's 30 s test timeout, so a missing element fails with its locator named.
  page.setDefaultTimeout(10_000);

  /** Calls the API with the bearer token, as an operator's script would; throws on HTTP errors. */
  async function api<T = Record<string, unknown>>(
    method: string,
    apiPath: string,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(`${baseUrl}/api/v1${apiPath}`, {
      method,
      headers: {
        authorization: `Bearer ${TEST_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${apiPath} failed: ${response.status} ${text}`);

    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  return {
    baseUrl,
    service,
    simulator,
    browser,
    context,
    page,
    api,
    async close() {
      await browser?.close();
      await service.dispose();
      await simulator.close();
    },
  };
}

export type ConsoleHarness = Awaited<ReturnType<typeof startConsoleHarness>>;

/** Signs in through the sign-in form and waits for the start page. */
export async function signIn(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByLabel('API token').fill(TEST_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Server to Server Connectors' }).waitFor();
}

/**
 * Saves a screenshot under test-results/. The images the README shows are copied to
 * docs/images/ only when ACTIVATOR_UPDATE_SCREENSHOTS=1, so a test run leaves the checkout clean.
 */
export async function saveScreenshot(
  target: Page | Locator,
  name: string,
  options: { docs?: boolean } = {},
): Promise<string> {
  const resultsFile = path.join(ROOT, 'test-results', `${name}.png`);
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  const image = await target.screenshot({ path: resultsFile, animations: 'disabled' });
  if (options.docs && process.env.ACTIVATOR_UPDATE_SCREENSHOTS === '1') {
    const docsFile = path.join(ROOT, 'docs/images', `${name}.png`);
    mkdirSync(path.dirname(docsFile), { recursive: true });
    writeFileSync(docsFile, image);
  }

  return resultsFile;
}
