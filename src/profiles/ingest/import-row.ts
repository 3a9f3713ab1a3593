import type { ProfileInput } from '../profile.js';

/**
 * One record of an import: its profile input, or the error that made it unreadable. `line` is
 * the 1-based line of the file where the record starts; a CSV header is line 1.
 */
export interface ImportRow {
  line: number;
  input?: ProfileInput;
  error?: string;
}
