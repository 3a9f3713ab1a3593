import { createHash } from 'node:crypto';
import type { ActivationRequest } from '../activation-queue.js';

/** The content of one stream message: the desired state of one key and its retry bookkeeping. */
export interface QueuedItem {
  request: ActivationRequest;
  attempts: number;
  /** When the desired state was enqueued (epoch ms); the retry age counts from here. */
  enqueuedAt: number;
  /** Not claimed before this time (epoch ms). */
  nextAttemptAt: number;
  lastError?: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeItem(item: QueuedItem): Uint8Array {
  return encoder.encode(JSON.stringify(item));
}

export function decodeItem(data: Uint8Array): QueuedItem {
  return JSON.parse(decoder.decode(data)) as QueuedItem;
}

const SUBJECT_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** Returns a connector id as one subject token and consumer name; ids that are not tokens are hashed. */
export function connectorToken(connectorId: string): string {
  if (SUBJECT_TOKEN.test(connectorId)) return connectorId;

  return createHash('sha256').update(connectorId).digest('base64url').slice(0, 32);
}

/**
 * The subject of a key (connector, destination, profile). The stream keeps one message per
 * subject, so a newer desired state replaces the one waiting.
 */
export function subjectFor(prefix: string, request: ActivationRequest): string {
  const key = createHash('sha256')
    .update(request.destinationKey)
    .update('\u0000')
    .update(request.profileId)
    .digest('base64url');

  return `${prefix}.${connectorToken(request.connectorId)}.${key}`;
}
