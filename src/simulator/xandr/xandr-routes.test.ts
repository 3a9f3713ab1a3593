import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startXandrTestSimulator, type XandrTestSimulator } from './xandr-test-simulator.js';

const MEMBER_ID = 958;
const SEGMENT_ID = '5848';
const AUTH_BODY = { auth: { username: 'user', password: 'Secret-password-1' } };

let simulator: XandrTestSimulator;
let clock = Date.now();

beforeAll(async () => {
  simulator = await startXandrTestSimulator({
    tokenIdleSeconds: 60,
    tokenMaxAgeSeconds: 600,
    maxUploadBytes: 4_096,
    now: () => clock,
  });
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(async () => {
  await call('POST', '/_control/reset', { json: {} });
  await call('POST', '/_control/audiences', {
    json: { partner: 'xandr', id: SEGMENT_ID, name: 'Test segment' },
  });
});

interface CallResult {
  status: number;
  headers: Headers;
  // Test responses are checked field by field, so an untyped body keeps the checks short.
  body: any;
}

async function call(
  method: string,
  path: string,
  options: { json?: unknown; body?: Buffer | string; headers?: Record<string, string> } = {},
): Promise<CallResult> {
  const headers: Record<string, string> = { ...options.headers };
  let body: Buffer | string | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  }
  const url = path.startsWith('http') ? path : `${simulator.url}${path}`;
  const response = await fetch(url, { method, headers, body });
  const text = await response.text();
  const isJson = response.headers.get('content-type')?.includes('application/json') ?? false;

  return {
    status: response.status,
    headers: response.headers,
    body: isJson ? JSON.parse(text) : text,
  };
}

async function login(username = 'user'): Promise<string> {
  const result = await call('POST', '/xandr/auth', {
    json: { auth: { ...AUTH_BODY.auth, username } },
  });
  expect(result.status).toBe(200);

  return result.body.response.token;
}

async function createJob(token: string): Promise<{ job_id: string; upload_url: string }> {
  const result = await call('POST', `/xandr/batch-segment?member_id=${MEMBER_ID}`, {
    headers: { authorization: token },
  });
  expect(result.status).toBe(200);

  return result.body.response.batch_segment_upload_job;
}

async function upload(token: string, uploadUrl: string, file: Buffer | string) {
  return call('POST', uploadUrl, {
    body: file,
    headers: { authorization: token, 'content-type': 'application/octet-stream' },
  });
}

async function readJob(token: string, jobId: string) {
  const result = await call('GET', `/xandr/batch-segment?member_id=${MEMBER_ID}&job_id=${jobId}`, {
    headers: { authorization: token },
  });
  expect(result.status).toBe(200);

  return result.body.response.batch_segment_upload_job;
}

async function readMembers(): Promise<Record<string, string>[]> {
  const result = await call('GET', `/_control/audiences/${SEGMENT_ID}`);

  return result.body.members;
}

/** Uploads `file` to a new job, polls it until it completed and returns the completed job. */
async function runJob(token: string, file: string): Promise<Record<string, unknown>> {
  const job = await createJob(token);
  const uploaded = await upload(token, job.upload_url, gzipSync(Buffer.from(file, 'latin1')));
  expect(uploaded.status).toBe(200);
  for (let poll = 0; poll < 3; poll += 1) await readJob(token, job.job_id);

  return readJob(token, job.job_id);
}

describe('Xandr authentication', () => {
  it('returns a token and redacts the password in the log', async () => {
    const token = await login();
    const log = await call('GET', '/_control/requests');

    expect(token).toMatch(/^[0-9a-f]{26}$/);
    expect(log.body.items[0].body).toEqual({ auth: { username: 'user', password: '***' } });
  });

  it('rejects a request without a token', async () => {
    const result = await call('GET', `/xandr/member?id=${MEMBER_ID}`);

    expect(result.status).toBe(401);
    expect(result.body.response.error_id).toBe('NOAUTH');
    expect(result.body.response.status).toBe('ERROR');
  });

  it('rejects a Bearer token', async () => {
    const token = await login();
    const result = await call('GET', `/xandr/member?id=${MEMBER_ID}`, {
      headers: { authorization: `Bearer ${token}` },
    });

    expect(result.body.response.error_id).toBe('NOAUTH');
  });

  it('expires an idle token', async () => {
    const token = await login();
    clock += 61_000;
    const result = await call('GET', `/xandr/member?id=${MEMBER_ID}`, {
      headers: { authorization: token },
    });

    expect(result.body.response.error_id).toBe('NOAUTH');
  });

  it('keeps a used token alive until its maximum age', async () => {
    const token = await login();
    const read = () =>
      call('GET', `/xandr/member?id=${MEMBER_ID}`, { headers: { authorization: token } });
    for (let step = 0; step < 10; step += 1) {
      clock += 50_000;
      expect((await read()).status).toBe(200);
    }
    clock += 110_000;

    expect((await read()).body.response.error_id).toBe('NOAUTH');
  });

  it.each([
    ['expired', 401, 'NOAUTH'],
    ['missing_permission', 403, 'UNAUTH'],
  ])('answers a token marked %s', async (state, status, errorId) => {
    const token = await login();
    await call('POST', '/_control/tokens', { json: { partner: 'xandr', token, state } });
    const result = await call('GET', `/xandr/member?id=${MEMBER_ID}`, {
      headers: { authorization: token },
    });

    expect(result.status).toBe(status);
    expect(result.body.response.error_id).toBe(errorId);
  });

  it('reads the member', async () => {
    const token = await login();
    const result = await call('GET', `/xandr/member?id=${MEMBER_ID}`, {
      headers: { authorization: token },
    });

    expect(result.body.response.status).toBe('OK');
    expect(result.body.response.member).toEqual({
      id: MEMBER_ID,
      name: `Simulated member ${MEMBER_ID}`,
      active: true,
    });
  });
});

describe('Xandr batch segment jobs', () => {
  it('returns an upload URL below the simulator', async () => {
    const token = await login();
    const job = await createJob(token);

    expect(job.job_id).toMatch(/^[A-Za-z0-9]{30}\d{10}$/);
    expect(job.upload_url).toBe(`${simulator.url}/xandr/segment-upload/${job.job_id}`);
  });

  it('advances one phase per status request', async () => {
    const token = await login();
    const job = await createJob(token);
    const phases = [(await readJob(token, job.job_id)).phase];
    await upload(token, job.upload_url, `1;${SEGMENT_ID}:0\n`);
    for (let poll = 0; poll < 4; poll += 1) phases.push((await readJob(token, job.job_id)).phase);

    expect(phases).toEqual(['starting', 'validating', 'processing', 'completed', 'completed']);
  });

  it('applies adds and removals at completion', async () => {
    const token = await login();
    await runJob(token, `1;${SEGMENT_ID}:0\n2;${SEGMENT_ID}:1440\n3;${SEGMENT_ID}:0\n`);
    const completed = await runJob(token, `2;${SEGMENT_ID}:-1\n`);

    expect(completed).toMatchObject({
      phase: 'completed',
      percent_complete: 100,
      num_valid: 1,
      num_valid_user: 1,
      error_log_lines: null,
      segment_log_lines: `\n${SEGMENT_ID}:1`,
    });
    expect(await readMembers()).toEqual([{ UID: '1' }, { UID: '3' }]);
  });

  it('reports invalid lines in the counts and the error log', async () => {
    await call('POST', '/_control/faults', {
      json: { partner: 'xandr', mode: 'invalid_marked', value: '2', count: 1 },
    });
    const token = await login();
    const completed = await runJob(
      token,
      `1;${SEGMENT_ID}:0\n2;${SEGMENT_ID}:0\n3;999:0\nx;${SEGMENT_ID}:0\n`,
    );

    expect(completed).toMatchObject({
      num_valid: 1,
      num_valid_user: 2,
      num_invalid_user: 1,
      num_invalid_segment: 1,
      num_invalid_format: 1,
    });
    expect(completed.error_log_lines).toBe(
      `\nnum_invalid_format-x;${SEGMENT_ID}:0 failed with a user id that is not a number` +
        `\nnum_invalid_user-2;${SEGMENT_ID}:0` +
        '\nnum_invalid_segment-3;999:0',
    );
    expect(await readMembers()).toEqual([{ UID: '1' }]);
  });

  it('ends a job without upload after 5 minutes', async () => {
    const token = await login();
    const job = await createJob(token);
    clock += 5 * 60_000 + 1_000;
    const status = await readJob(await login(), job.job_id);

    expect(status.phase).toBe('error');
    expect(status.error_code).toBe('uploading-error');
  });

  it('lists no job for an unknown job id', async () => {
    const token = await login();
    const result = await call('GET', `/xandr/batch-segment?member_id=${MEMBER_ID}&job_id=nope`, {
      headers: { authorization: token },
    });

    expect(result.body.response).toMatchObject({ status: 'OK', count: 0 });
    expect(result.body.response.batch_segment_upload_job).toBeNull();
  });

  it('lists the jobs of the member', async () => {
    const token = await login();
    const first = await createJob(token);
    const second = await createJob(token);
    const result = await call('GET', `/xandr/batch-segment?member_id=${MEMBER_ID}`, {
      headers: { authorization: token },
    });
    const jobIds = result.body.response.batch_segment_upload_job.map(
      (job: { job_id: string }) => job.job_id,
    );

    // Jobs of earlier tests stay listed, because `/_control/reset` does not clear Xandr jobs.
    expect(jobIds.slice(0, 2)).toEqual([second.job_id, first.job_id]);
  });

  it('rejects a job request with a body', async () => {
    const token = await login();
    const result = await call('POST', `/xandr/batch-segment?member_id=${MEMBER_ID}`, {
      json: { member_id: MEMBER_ID },
      headers: { authorization: token },
    });

    expect(result.status).toBe(400);
    expect(result.body.response.error_id).toBe('SYNTAX');
  });

  it('rejects a job request without member_id', async () => {
    const token = await login();
    const result = await call('POST', '/xandr/batch-segment', {
      headers: { authorization: token },
    });

    expect(result.body.response.error_id).toBe('SYNTAX');
  });
});

describe('Xandr uploads', () => {
  it('rejects a form-encoded upload', async () => {
    const token = await login();
    const job = await createJob(token);
    const result = await call('POST', job.upload_url, {
      body: `1;${SEGMENT_ID}:0`,
      headers: { authorization: token, 'content-type': 'application/x-www-form-urlencoded' },
    });

    expect(result.status).toBeGreaterThanOrEqual(400);
    expect(result.body.response.error_id).toBe('SYNTAX');
  });

  it('rejects a second upload to a job', async () => {
    const token = await login();
    const job = await createJob(token);
    await upload(token, job.upload_url, `1;${SEGMENT_ID}:0\n`);
    const again = await upload(token, job.upload_url, `2;${SEGMENT_ID}:0\n`);

    expect(again.status).toBe(409);
    expect(again.body.response.error_id).toBe('INTEGRITY');
  });

  it('rejects a file over the size limit', async () => {
    const token = await login();
    const job = await createJob(token);
    const result = await upload(token, job.upload_url, 'x'.repeat(5_000));

    expect(result.status).toBe(413);
    expect(result.body.response).toMatchObject({
      status: 'ERROR',
      error_code: 'FILESIZE_LIMIT_EXCEEDED',
    });
  });

  it('rejects a gzip file that expands over the limit', async () => {
    const token = await login();
    const job = await createJob(token);
    const result = await upload(token, job.upload_url, gzipSync(Buffer.alloc(10_000, 0x31)));

    expect(result.body.response.error_code).toBe('FILESIZE_LIMIT_EXCEEDED');
  });

  it('rejects an unknown job', async () => {
    const token = await login();
    const result = await upload(token, `${simulator.url}/xandr/segment-upload/nope`, '1;5:0\n');

    expect(result.status).toBe(404);
  });

  it('sends RATE_LIMIT_EXCEEDED in the upload host form', async () => {
    const token = await login();
    const job = await createJob(token);
    await call('POST', '/_control/faults', {
      json: { partner: 'xandr', mode: 'partner_error', code: 9, status: 429, count: 1 },
    });
    const result = await upload(token, job.upload_url, `1;${SEGMENT_ID}:0\n`);

    expect(result.status).toBe(429);
    expect(result.headers.get('x-ratelimit-code')).toBe('429');
    expect(result.body.response).toMatchObject({
      status: 'ERROR',
      error_code: 'RATE_LIMIT_EXCEEDED',
    });
  });
});

describe('Xandr faults', () => {
  it('rejects an upload with a marked user id', async () => {
    const token = await login();
    const job = await createJob(token);
    await call('POST', '/_control/faults', {
      json: { partner: 'xandr', mode: 'reject_marked', value: '7', count: 1 },
    });
    const clean = await upload(token, (await createJob(token)).upload_url, `8;${SEGMENT_ID}:0\n`);
    const marked = await upload(token, job.upload_url, `7;${SEGMENT_ID}:0\n`);

    expect(clean.status).toBe(200);
    expect(marked.status).toBe(400);
    expect(marked.body.response.error_id).toBe('SYNTAX');
  });

  it('marks a throttled 503 with x-ratelimit-code', async () => {
    await call('POST', '/_control/faults', {
      json: { partner: 'xandr', mode: 'status', status: 503, retryAfterSeconds: 4, count: 2 },
    });
    const throttled = await call('POST', '/xandr/auth', { json: AUTH_BODY });

    expect(throttled.status).toBe(503);
    expect(throttled.headers.get('x-ratelimit-code')).toBe('503');
    expect(throttled.headers.get('retry-after')).toBe('4');
  });

  it('leaves a plain 503 without x-ratelimit-code', async () => {
    await call('POST', '/_control/faults', {
      json: { partner: 'xandr', mode: 'status', status: 503, count: 1 },
    });
    const overloaded = await call('POST', '/xandr/auth', { json: AUTH_BODY });

    expect(overloaded.status).toBe(503);
    expect(overloaded.headers.get('x-ratelimit-code')).toBeNull();
  });

  it('formats a partner error by its code', async () => {
    await call('POST', '/_control/faults', {
      json: { partner: 'xandr', mode: 'partner_error', code: 5, message: 'Bad field', count: 1 },
    });
    const result = await call('GET', `/xandr/member?id=${MEMBER_ID}`);

    expect(result.status).toBe(400);
    expect(result.body.response).toMatchObject({
      status: 'ERROR',
      error_id: 'SYNTAX',
      error: 'Bad field',
    });
  });

  it('answers an unknown path with NOT_FOUND', async () => {
    const result = await call('GET', '/xandr/segment');

    expect(result.status).toBe(404);
    expect(result.body.response.error_id).toBe('NOT_FOUND');
  });
});

describe('Xandr accounts', () => {
  let guarded: XandrTestSimulator;

  beforeAll(async () => {
    guarded = await startXandrTestSimulator({
      accounts: [{ username: 'api-user', password: 'Right-password-1' }],
      memberIds: [MEMBER_ID],
    });
  });

  afterAll(async () => {
    await guarded.close();
  });

  it.each([
    ['api-user', 'Right-password-1', 200],
    ['api-user', 'wrong', 401],
    ['other', 'Right-password-1', 401],
  ])('logs in %s with a password gives %i', async (username, password, status) => {
    const result = await call('POST', `${guarded.url}/xandr/auth`, {
      json: { auth: { username, password } },
    });

    expect(result.status).toBe(status);
  });

  it('rejects a member the user cannot access', async () => {
    const auth = await call('POST', `${guarded.url}/xandr/auth`, {
      json: { auth: { username: 'api-user', password: 'Right-password-1' } },
    });
    const result = await call('GET', `${guarded.url}/xandr/member?id=1`, {
      headers: { authorization: auth.body.response.token },
    });

    expect(result.status).toBe(403);
    expect(result.body.response.error_id).toBe('UNAUTH');
  });
});
