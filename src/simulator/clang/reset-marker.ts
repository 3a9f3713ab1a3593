import { randomUUID } from 'node:crypto';
import type { SimulatorPartner } from '../simulator-partners.js';
import type { SimulatorState } from '../simulator-state.js';

/**
 * Tells a partner's own in-memory data when `POST /_control/reset` has cleared the simulator.
 *
 * `SimulatorState` has no reset hook for data that partners keep outside it (Clang customers,
 * Azure blobs). So the marker puts a random token into the state's token table, which the
 * reset clears, and reports a reset once that token is gone. The token is never sent by a
 * client, so the mark changes no response.
 */
export class ResetMarker {
  readonly #token = `reset-marker-${randomUUID()}`;
  #marked = false;

  constructor(
    private readonly state: SimulatorState,
    private readonly partner: SimulatorPartner,
  ) {}

  /**
   * Returns true when the state was reset since the last call (or this is the first call), and
   * marks the state again.
   */
  consumeReset(): boolean {
    const wasReset =
      !this.#marked || this.state.getTokenState(this.partner, this.#token) === 'valid';
    if (wasReset) {
      this.state.setTokenState(this.partner, this.#token, 'expired');
      this.#marked = true;
    }

    return wasReset;
  }
}
