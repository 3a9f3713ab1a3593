import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../test-support/test-service.js';

const validConnector = {
  type: 'meta-custom-audiences',
  name: 'Meta NL',
  settings: { adAccountId: 'act_1234567890' },
  credentials: { accessToken: 'EAAB-secret-token-value' },
};

let service: TestService;

beforeEach(async () => {
  service = await startTestService();
});

afterEach(async () => {
  await service.dispose();
});

async function createConnector(body: object = validConnector) {
  return service.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: service.auth,
    payload: body,
  });
}

async function listConnectors() {
  const response = await service.app.inject({
    method: 'GET',
    url: '/api/v1/connectors',
    headers: service.auth,
  });

  return response.json().items as { id: string; name: string }[];
}

describe('POST /connectors', () => {
  it('creates a connector with masked credentials', async () => {
    const response = await createConnector();

    expect(response.statusCode).toBe(201);
    const connector = response.json();
    expect(connector.type).toBe('meta-custom-audiences');
    expect(connector.name).toBe('Meta NL');
    expect(connector.status).toBe('active');
    expect(connector.health).toBe('ok');
    expect(connector.credentials).toEqual({ accessToken: '***' });
    expect(connector.usage).toEqual({ audiences: [], journeys: [] });
    expect(response.body).not.toContain('EAAB-secret-token-value');
  });

  it('strips the act_ prefix of the ad account id', async () => {
    const connector = (await createConnector()).json();

    expect(connector.settings.adAccountId).toBe('1234567890');
  });

  it('allows several connectors of a type with different names', async () => {
    await createConnector();
    const second = await createConnector({ ...validConnector, name: 'Meta BE' });

    expect(second.statusCode).toBe(201);
    expect(await listConnectors()).toHaveLength(2);
  });

  it.each([
    ['same name', 'Meta NL'],
    ['other case', 'META nl'],
    ['surrounding spaces', '  Meta NL  '],
  ])('rejects a duplicate name with %s', async (_case, name) => {
    await createConnector();
    const response = await createConnector({ ...validConnector, name });

    expect(response.statusCode).toBe(409);
    expect(response.json().message).toContain('already exists');
  });

  it('compares names after NFC normalization', async () => {
    await createConnector({ ...validConnector, name: 'Caf\u00e9' });
    const response = await createConnector({ ...validConnector, name: 'Cafe\u0301' });

    expect(response.statusCode).toBe(409);
  });

  it('stores a unicode name as sent', async () => {
    const response = await createConnector({ ...validConnector, name: 'Müller ☕ 東京' });

    expect(response.statusCode).toBe(201);
    expect(response.json().name).toBe('Müller ☕ 東京');
  });

  it.each([
    ['a 10,000 character name', { name: 'x'.repeat(10_000) }, 'body.name'],
    ['a 201 character name', { name: 'x'.repeat(201) }, 'maximum is 200'],
    ['an empty name', { name: '   ' }, 'name must not be empty'],
    ['an unknown type', { type: 'nope' }, "type 'nope' is not in the catalog"],
    ['an unknown body field', { color: 'red' }, "unknown field 'color'"],
    [
      'an unknown settings field',
      { settings: { adAccountId: '1', color: 'red' } },
      "settings has an unknown field 'color'",
    ],
    ['a missing secret', { credentials: {} }, 'credentials.accessToken is required'],
    [
      'a wrong settings type',
      { settings: { adAccountId: 12 } },
      'settings.adAccountId must be of type string',
    ],
    [
      'a bad ad account id',
      { settings: { adAccountId: 'abc' } },
      'settings.adAccountId has an invalid format',
    ],
    [
      'a timeout below the minimum',
      { settings: { adAccountId: '1', timeoutMs: 5 } },
      'settings.timeoutMs',
    ],
    ['settings that are not an object', { settings: 'x' }, 'body.settings must be of type object'],
    ['a missing name', { name: undefined }, 'body.name is required'],
  ])('rejects %s with a message naming the field', async (_case, change, expected) => {
    const response = await createConnector({ ...validConnector, ...change });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(expected);
    expect(await listConnectors()).toHaveLength(0);
  });

  it('rejects malformed JSON', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: { ...service.auth, 'content-type': 'application/json' },
      payload: '{"type": "meta-custom-audiences",',
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('not valid JSON');
    // The parser's own detail, not a generic sentence: V8 names the position of the problem.
    expect(response.json().message).toMatch(/position \d+/);
  });

  it.each([
    ['__proto__', '{"type": "webhook", "__proto__": {"admin": true}}'],
    ['constructor.prototype', '{"constructor": {"prototype": {"admin": true}}}'],
  ])('rejects a %s key by name', async (_key, payload) => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/api/v1/connectors',
      headers: { ...service.auth, 'content-type': 'application/json' },
      payload,
    });

    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('BODY_FORBIDDEN_KEY');
    expect(response.json().message).toContain('"__proto__" or "constructor.prototype" key');
    expect(response.json().message).not.toContain('not valid JSON');
  });

  it('rejects an oversized body with 413', async () => {
    const response = await createConnector({
      ...validConnector,
      settings: { adAccountId: '1', pad: 'x'.repeat(2_000_000) },
    });

    expect(response.statusCode).toBe(413);
    expect(response.json().message).toContain('larger than');
  });

  it('writes nothing when a request fails', async () => {
    await createConnector({ ...validConnector, credentials: {} });
    const audit = await service.app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: service.auth,
    });

    expect(await listConnectors()).toHaveLength(0);
    expect(audit.json().items).toHaveLength(0);
  });
});

describe('GET /connectors/:id', () => {
  it('returns 404 for an unknown id', async () => {
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/v1/connectors/missing',
      headers: service.auth,
    });

    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(response.json().message).toContain("'missing'");
  });
});

describe('PATCH /connectors/:id', () => {
  async function patch(id: string, body: object) {
    return service.app.inject({
      method: 'PATCH',
      url: `/api/v1/connectors/${id}`,
      headers: service.auth,
      payload: body,
    });
  }

  it('keeps omitted fields and merges settings', async () => {
    const created = (
      await createConnector({
        ...validConnector,
        settings: { adAccountId: '1', apiVersion: 'v24.0' },
      })
    ).json();
    const response = await patch(created.id, { settings: { timeoutMs: 5000 } });

    expect(response.statusCode).toBe(200);
    expect(response.json().settings).toEqual({
      adAccountId: '1',
      apiVersion: 'v24.0',
      timeoutMs: 5000,
    });
    expect(response.json().name).toBe('Meta NL');
  });

  it('removes an optional setting given as null', async () => {
    const created = (
      await createConnector({
        ...validConnector,
        settings: { adAccountId: '1', apiVersion: 'v24.0' },
      })
    ).json();
    const response = await patch(created.id, { settings: { apiVersion: null } });

    expect(response.json().settings).toEqual({ adAccountId: '1' });
  });

  it('rejects removing a required setting', async () => {
    const created = (await createConnector()).json();
    const response = await patch(created.id, { settings: { adAccountId: null } });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('settings.adAccountId is required');
  });

  it('renames and rejects a name taken by another connector', async () => {
    const first = (await createConnector()).json();
    await createConnector({ ...validConnector, name: 'Meta BE' });

    expect((await patch(first.id, { name: 'Meta FR' })).json().name).toBe('Meta FR');
    expect((await patch(first.id, { name: 'meta be' })).statusCode).toBe(409);
  });

  it('rejects a type change', async () => {
    const created = (await createConnector()).json();
    const response = await patch(created.id, { type: 'other' });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain('body.type cannot change');
  });

  it('rejects an unknown credentials field and keeps the stored ones', async () => {
    const created = (await createConnector()).json();
    const response = await patch(created.id, { credentials: { password: 'x' } });

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain("credentials has an unknown field 'password'");
  });

  it('keeps a secret sent as ***', async () => {
    const created = (await createConnector()).json();
    const response = await patch(created.id, {
      credentials: { accessToken: '***', appSecret: 'app-secret-1' },
    });

    expect(response.statusCode).toBe(200);
    expect(response.json().credentials).toEqual({ accessToken: '***', appSecret: '***' });
  });

  it('returns 404 for an unknown id', async () => {
    expect((await patch('missing', { name: 'x' })).statusCode).toBe(404);
  });
});

describe('deactivate and activate', () => {
  it('switches the status and records both in the audit log', async () => {
    const created = (await createConnector()).json();
    const deactivated = await service.app.inject({
      method: 'POST',
      url: `/api/v1/connectors/${created.id}/deactivate`,
      headers: service.auth,
    });
    const activated = await service.app.inject({
      method: 'POST',
      url: `/api/v1/connectors/${created.id}/activate`,
      headers: service.auth,
    });
    const audit = await service.app.inject({
      method: 'GET',
      url: '/api/v1/audit',
      headers: service.auth,
    });

    expect(deactivated.json().status).toBe('deactivated');
    expect(activated.json().status).toBe('active');
    expect(audit.json().items.map((item: { action: string }) => item.action)).toEqual([
      'connector.activate',
      'connector.deactivate',
      'connector.create',
    ]);
  });
});

describe('DELETE /connectors/:id', () => {
  it('deletes an unused connector', async () => {
    const created = (await createConnector()).json();
    const response = await service.app.inject({
      method: 'DELETE',
      url: `/api/v1/connectors/${created.id}`,
      headers: service.auth,
    });

    expect(response.statusCode).toBe(204);
    expect(await listConnectors()).toHaveLength(0);
  });

  it('answers 409 with usage while audiences and journeys use it', async () => {
    const created = (await createConnector()).json();
    const at = new Date().toISOString();
    const db = service.store.db;
    await db.insertInto('audiences').values({ id: 'a1', name: 'Buyers', created_at: at }).execute();
    await db
      .insertInto('audience_connections')
      .values({ audience_id: 'a1', connector_id: created.id, settings: '{}', created_at: at })
      .execute();
    await db.insertInto('journeys').values({ id: 'j1', name: 'Welcome', created_at: at }).execute();
    await db
      .insertInto('journey_version_connectors')
      .values([
        { journey_id: 'j1', version: 'draft', connector_id: created.id },
        { journey_id: 'j1', version: 'published', connector_id: created.id },
      ])
      .execute();

    const response = await service.app.inject({
      method: 'DELETE',
      url: `/api/v1/connectors/${created.id}`,
      headers: service.auth,
    });
    const fetched = await service.app.inject({
      method: 'GET',
      url: `/api/v1/connectors/${created.id}`,
      headers: service.auth,
    });

    expect(response.statusCode).toBe(409);
    expect(response.json().usage).toEqual({
      audiences: [{ id: 'a1', name: 'Buyers' }],
      journeys: [
        { id: 'j1', name: 'Welcome', version: 'draft' },
        { id: 'j1', name: 'Welcome', version: 'published' },
      ],
    });
    expect(fetched.json().usage.audiences).toHaveLength(1);
  });

  it('still deactivates a connector in use', async () => {
    const created = (await createConnector()).json();
    const at = new Date().toISOString();
    await service.store.db
      .insertInto('audiences')
      .values({ id: 'a1', name: 'Buyers', created_at: at })
      .execute();
    await service.store.db
      .insertInto('audience_connections')
      .values({ audience_id: 'a1', connector_id: created.id, settings: '{}', created_at: at })
      .execute();

    const response = await service.app.inject({
      method: 'POST',
      url: `/api/v1/connectors/${created.id}/deactivate`,
      headers: service.auth,
    });

    expect(response.statusCode).toBe(200);
    expect(response.json().status).toBe('deactivated');
  });

  it('returns 404 for an unknown id', async () => {
    const response = await service.app.inject({
      method: 'DELETE',
      url: '/api/v1/connectors/missing',
      headers: service.auth,
    });

    expect(response.statusCode).toBe(404);
  });
});
