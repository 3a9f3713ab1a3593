// Child process for the crash test: runs the compiled service, optionally enqueues activations,
// and keeps delivering until it is killed. Reads its instructions from the environment.
import { createService } from '../../dist/app/service.js';
import { loadConfig } from '../../dist/config/config.js';
import { createLogger } from '../../dist/log/logger.js';

const config = loadConfig(process.env);
const service = await createService(config, createLogger('warn'), {
  lingerMs: 20,
  pollIntervalMs: 10,
  retryPolicy: { baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterSeconds: 1 },
});

if (process.env.CRASH_TEST_MODE === 'enqueue') {
  const created = await service.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: { authorization: `Bearer ${config.apiToken}` },
    payload: {
      type: 'meta-custom-audiences',
      name: 'Crash test',
      settings: {
        adAccountId: '1',
        baseUrl: process.env.CRASH_TEST_SIMULATOR,
        maxConcurrentRequests: 1,
      },
      credentials: { accessToken: 'crash-test-token' },
    },
  });
  const connectorId = created.json().id;
  const audienceId = process.env.CRASH_TEST_AUDIENCE;
  const count = Number(process.env.CRASH_TEST_COUNT);
  const requests = Array.from({ length: count }, (_, index) => ({
    connectorId,
    destination: { customAudienceId: audienceId },
    destinationKey: audienceId,
    profileId: `p${index}`,
    operation: 'add',
    profile: { identifiers: { email: [`p${index}@example.com`] } },
  }));
  await service.engine.enqueue(requests);
  process.stdout.write(`ENQUEUED ${connectorId}\n`);
}
process.stdout.write('READY\n');
