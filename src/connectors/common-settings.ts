import { Type } from 'typebox';

/** Delivery limits every connector type has defaults for and every connector may override. */
export interface DeliveryLimits {
  timeoutMs: number;
  maxRequestsPerSecond: number;
  maxConcurrentRequests: number;
  maxAttempts: number;
  maxRetryAgeHours: number;
}

/** Settings every connector type accepts, merged into each type's settings schema. */
export const commonSettingsProperties = {
  baseUrl: Type.Optional(
    Type.String({
      format: 'uri',
      maxLength: 2048,
      title: 'Base URL',
      description: "Replaces the partner's API origin, for an egress proxy or a test partner.",
    }),
  ),
  timeoutMs: Type.Optional(
    Type.Integer({
      minimum: 100,
      maximum: 300_000,
      title: 'Request timeout (ms)',
      description: 'A partner request that takes longer is stopped and counted as a timeout.',
    }),
  ),
  maxRequestsPerSecond: Type.Optional(
    Type.Number({ exclusiveMinimum: 0, maximum: 10_000, title: 'Max requests per second' }),
  ),
  maxConcurrentRequests: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 256, title: 'Max concurrent requests' }),
  ),
  maxAttempts: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100,
      title: 'Max attempts',
      description: 'Attempts per activation, the first one included, before it fails for good.',
    }),
  ),
  maxRetryAgeHours: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 720,
      title: 'Max retry age (hours)',
      description: 'An activation older than this is not retried again.',
    }),
  ),
};

/** Settings fields the engine reads; type-specific fields come on top. */
export interface CommonSettings extends Partial<DeliveryLimits> {
  baseUrl?: string;
}

/** Fills the limits a connector leaves unset from its type's defaults. */
export function resolveLimits(settings: CommonSettings, defaults: DeliveryLimits): DeliveryLimits {
  return {
    timeoutMs: settings.timeoutMs ?? defaults.timeoutMs,
    maxRequestsPerSecond: settings.maxRequestsPerSecond ?? defaults.maxRequestsPerSecond,
    maxConcurrentRequests: settings.maxConcurrentRequests ?? defaults.maxConcurrentRequests,
    maxAttempts: settings.maxAttempts ?? defaults.maxAttempts,
    maxRetryAgeHours: settings.maxRetryAgeHours ?? defaults.maxRetryAgeHours,
  };
}
