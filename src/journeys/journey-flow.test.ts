import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../test-support/test-service.js';
import {
  startTestSimulator,
  type TestSimulator,
  waitFor,
} from '../test-support/simulator-client.js';

let simulator: TestSimulator;
let service: TestService;
let partnerAudience: string;
let connectorId: string;

beforeAll(async () => {
  simulator = await startTestSimulator();
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(async () => {
  await simulator.reset();
  partnerAudience = await simulator.createAudience();
  service = await startTestService({}, { journeyTickMs: 20 });
  const created = await api('POST', '/connectors', {
    type: 'meta-custom-audiences',
    name: 'Meta',
    settings: { adAccountId: '77', baseUrl: simulator.url },
    credentials: { accessToken: 'journey-token' },
  });
  connectorId = created.json().id as string;
  await api('POST', '/profiles', {
    profiles: [
      { id: 'a', identifiers: { email: 'a@example.com' }, attributes: { country: 'NL' } },
      { id: 'b', identifiers: { phone: '+31612345678' }, attributes: { country: 'NL' } },
    ],
  });
});

afterEach(async () => {
  await service.dispose();
});

async function api(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
  return service.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: service.auth,
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}

function welcomeJourney(waitSeconds = 1) {
  return {
    name: 'Welcome',
    trigger: { type: 'event', name: 'signed_up' },
    steps: [
      {
        id: 's1',
        type: 'send',
        connectorId,
        operation: 'add',
        settings: { customAudienceId: partnerAudience },
        next: 's2',
      },
      { id: 's2', type: 'wait', durationSeconds: waitSeconds, next: 's3' },
      {
        id: 's3',
        type: 'condition',
        rule: { identifier: 'email', op: 'exists' },
        then: 's4',
        else: 'end',
      },
      {
        id: 's4',
        type: 'send',
        connectorId,
        operation: 'remove',
        settings: { customAudienceId: partnerAudience },
        next: 'end',
      },
    ],
  };
}

async function partnerCount() {
  return (await simulator.members(partnerAudience)).length;
}

describe('journeys', () => {
  it('runs only the published version', async () => {
    const journey = (await api('POST', '/journeys', welcomeJourney())).json();
    await api('POST', '/events', { profileId: 'a', name: 'signed_up' });
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(journey.hasUnpublishedChanges).toBe(true);
    expect(journey.published).toBeUndefined();
    expect(await simulator.requests()).toEqual([]);

    const published = (await api('POST', `/journeys/${journey.id}/publish`)).json();
    await api('POST', '/events', { profileId: 'a', name: 'signed_up' });

    expect(published.hasUnpublishedChanges).toBe(false);
    await waitFor('the add step', async () => (await partnerCount()) === 1);
  });

  it('waits, branches on the condition and sends the next step', async () => {
    const journey = (await api('POST', '/journeys', welcomeJourney())).json();
    await api('POST', `/journeys/${journey.id}/publish`);
    await api('POST', '/events', { profileId: 'a', name: 'signed_up' });
    await api('POST', '/events', { profileId: 'b', name: 'signed_up' });

    await waitFor('both added', async () => (await partnerCount()) === 2);
    // After the wait, only the profile with an email takes the remove branch.
    await waitFor('a removed', async () => (await partnerCount()) === 1, 15_000);
    const view = (await api('GET', `/journeys/${journey.id}`)).json();

    expect(view.runs).toEqual({ done: 2 });
  });

  it('keeps the draft apart until it is published again', async () => {
    const journey = (await api('POST', '/journeys', welcomeJourney())).json();
    await api('POST', `/journeys/${journey.id}/publish`);
    const edited = await api('PUT', `/journeys/${journey.id}/draft`, {
      ...welcomeJourney(60),
      name: 'Welcome v2',
    });

    expect(edited.json().hasUnpublishedChanges).toBe(true);
    expect(edited.json().published.name).toBe('Welcome');
    expect(edited.json().draft.name).toBe('Welcome v2');
  });

  it('counts sends to a deactivated connector as skips', async () => {
    const journey = (await api('POST', '/journeys', welcomeJourney())).json();
    await api('POST', `/journeys/${journey.id}/publish`);
    await api('PUT', `/journeys/${journey.id}/draft`, {
      ...welcomeJourney(),
      name: 'Unpublished change',
    });
    await api('POST', `/connectors/${connectorId}/deactivate`);
    await api('POST', '/events', { profileId: 'a', name: 'signed_up' });

    await waitFor('a deactivated skip', async () => {
      const stats = (await api('GET', `/connectors/${connectorId}/stats?days=7`)).json();

      return stats.totals.skipped.deactivated >= 1;
    });
    expect(await simulator.requests()).toEqual([]);
  });

  it('blocks deleting a connector a journey draft uses', async () => {
    const journey = (await api('POST', '/journeys', welcomeJourney())).json();
    const response = await api('DELETE', `/connectors/${connectorId}`);

    expect(response.statusCode).toBe(409);
    expect(response.json().usage.journeys).toEqual([
      { id: journey.id, name: 'Welcome', version: 'draft' },
    ]);
  });

  it.each([
    [
      'a cycle',
      (body: ReturnType<typeof welcomeJourney>) => ({
        ...body,
        steps: body.steps.map((step) => (step.id === 's4' ? { ...step, next: 's1' } : step)),
      }),
      'cycle',
    ],
    [
      'an unknown connector',
      (body: ReturnType<typeof welcomeJourney>) => ({
        ...body,
        steps: body.steps.map((step) =>
          step.id === 's1' ? { ...step, connectorId: 'nope' } : step,
        ),
      }),
      "steps[0].connectorId: no connector with id 'nope' exists",
    ],
    [
      'bad send settings',
      (body: ReturnType<typeof welcomeJourney>) => ({
        ...body,
        steps: body.steps.map((step) =>
          step.id === 's1' ? { ...step, settings: { customAudienceId: 'x' } } : step,
        ),
      }),
      'steps[0].settings.customAudienceId',
    ],
  ])('rejects a journey with %s', async (_case, change, expected) => {
    const response = await api('POST', '/journeys', change(welcomeJourney()));

    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(expected);
  });

  it('answers 404 for an event about an unknown profile', async () => {
    const response = await api('POST', '/events', { profileId: 'ghost', name: 'signed_up' });

    expect(response.statusCode).toBe(404);
  });
});
