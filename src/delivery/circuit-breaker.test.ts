import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { TokenBucket } from './rate-limiter.js';

describe('CircuitBreaker', () => {
  function breaker() {
    const clock = { now: 0 };
    const subject = new CircuitBreaker({ failureThreshold: 3, openMs: 1000 }, () => clock.now);

    return { clock, subject };
  }

  it('opens after consecutive failures', () => {
    const { subject } = breaker();
    subject.recordFailure();
    subject.recordFailure();

    expect(subject.tryAcquire()).toBe(true);
    subject.recordFailure();
    expect(subject.isOpen).toBe(true);
    expect(subject.tryAcquire()).toBe(false);
  });

  it('lets one probe through after the open time', () => {
    const { clock, subject } = breaker();
    for (let i = 0; i < 3; i += 1) subject.recordFailure();
    clock.now = 1000;

    expect(subject.tryAcquire()).toBe(true);
    expect(subject.tryAcquire()).toBe(false);
  });

  it('closes after a successful probe', () => {
    const { clock, subject } = breaker();
    for (let i = 0; i < 3; i += 1) subject.recordFailure();
    clock.now = 1000;
    subject.tryAcquire();
    subject.recordSuccess();

    expect(subject.isOpen).toBe(false);
    expect(subject.tryAcquire()).toBe(true);
  });

  it('opens again after a failed probe', () => {
    const { clock, subject } = breaker();
    for (let i = 0; i < 3; i += 1) subject.recordFailure();
    clock.now = 1000;
    subject.tryAcquire();
    subject.recordFailure();

    expect(subject.tryAcquire()).toBe(false);
    clock.now = 2000;
    expect(subject.tryAcquire()).toBe(true);
  });

  it('resets the failure count on success', () => {
    const { subject } = breaker();
    subject.recordFailure();
    subject.recordFailure();
    subject.recordSuccess();
    subject.recordFailure();

    expect(subject.isOpen).toBe(false);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then the rate', () => {
    const clock = { now: 0 };
    const bucket = new TokenBucket(2, 2, () => clock.now);

    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    expect(bucket.waitMs()).toBe(500);
    clock.now = 500;
    expect(bucket.tryTake()).toBe(true);
  });
});
