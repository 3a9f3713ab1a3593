import { randomInt } from 'node:crypto';

/**
 * Returns a new Graph object id: 17 decimal digits starting with 238, the form Meta's custom
 * audience ids have. `isTaken` lets the caller skip ids already in use.
 */
export function newGraphObjectId(isTaken: (id: string) => boolean = () => false): string {
  for (;;) {
    const id = `238${randomDigits(14)}`;
    if (!isTaken(id)) return id;
  }
}

/** Returns a random upload session id for an add or remove request that sent no session. */
export function newSessionId(): string {
  return `${randomInt(1, 10)}${randomDigits(15)}`;
}

function randomDigits(count: number): string {
  let digits = '';
  for (let i = 0; i < count; i += 1) digits += String(randomInt(0, 10));

  return digits;
}
