import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../test-support/test-service.js';

let service: TestService;

beforeEach(async () => {
  service = await startTestService();
});

afterEach(async () => {
  await service.dispose();
});

function createConnector(body: object) {
  return service.app.inject({
    method: 'POST',
    url: '/api/v1/connectors',
    headers: service.auth,
    payload: body,
  });
}

describe('tag-based connectors', () => {
  it('catalog lists the three tag types', async () => {
    const response = await service.app.inject({
      method: 'GET',
      url: '/api/v1/catalog',
      headers: service.auth,
    });
    expect(response.statusCode).toBe(200);
    const entries = (response.json() as { items: { id: string; kind: string }[] }).items;

    for (const id of ['meta-pixel', 'google-tag', 'xandr-pixel']) {
      const entry = entries.find((candidate) => candidate.id === id);
      expect(entry, id).toBeDefined();
      expect(entry?.kind, id).toBe('tag-based');
    }
  });

  it('meta-pixel connector returns its snippet', async () => {
    const response = await createConnector({
      type: 'meta-pixel',
      name: 'Shop pixel',
      settings: { pixelId: '987654321012345' },
      credentials: {},
    });

    expect(response.statusCode).toBe(201);
    const connector = response.json() as { id: string; snippet?: string };
    expect(connector.snippet).toContain('987654321012345');
    expect(connector.snippet).toContain('fbevents.js');

    const read = await service.app.inject({
      method: 'GET',
      url: `/api/v1/connectors/${connector.id}`,
      headers: service.auth,
    });
    expect((read.json() as { snippet?: string }).snippet).toBe(connector.snippet);
  });

  it('server-to-server connector has no snippet', async () => {
    const response = await createConnector({
      type: 'meta-custom-audiences',
      name: 'Meta NL',
      settings: { adAccountId: '1234567890' },
      credentials: { accessToken: 'EAAB-secret-token-value' },
    });

    expect(response.statusCode).toBe(201);
    expect(response.json()).not.toHaveProperty('snippet');
  });

  it('rejects an invalid pixel id', async () => {
    const response = await createConnector({
      type: 'meta-pixel',
      name: 'Bad pixel',
      settings: { pixelId: 'abc' },
      credentials: {},
    });

    expect(response.statusCode).toBe(400);
  });

  it('test endpoint reports nothing to check', async () => {
    const created = await createConnector({
      type: 'xandr-pixel',
      name: 'Segment pixel',
      settings: { segmentId: '4242', memberId: '77' },
      credentials: {},
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json() as { id: string };

    const response = await service.app.inject({
      method: 'POST',
      url: `/api/v1/connectors/${id}/test`,
      headers: service.auth,
    });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      ok: true,
      message: 'Tag-based: nothing to check on the server.',
    });
  });
});
