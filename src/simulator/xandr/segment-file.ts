/** Separators of the simulated member's BSS setup, whose `segment_fields` is `[SEG_ID, EXPIRATION]`. */
export interface BssFileFormat {
  separator1: string;
  separator2: string;
  separator3: string;
}

/** The format of Xandr's example file: `uid;seg:exp,seg:exp`. */
export const DEFAULT_BSS_FILE_FORMAT: BssFileFormat = {
  separator1: ';',
  separator2: ',',
  separator3: ':',
};

/** Segment blocks Xandr accepts on one line. */
export const MAX_SEGMENTS_PER_LINE = 1_800;

/** Longest `EXPIRATION`, in minutes: Xandr keeps a user in a segment for at most 180 days. */
const MAX_EXPIRATION_MINUTES = 180 * 24 * 60;

export interface SegmentBlock {
  segmentId: string;
  /** Minutes. 0 is the maximum of 180 days, and -1 removes the user from the segment. */
  expiration: number;
}

export interface ParsedLine {
  /** The line as uploaded, for the job's error log. */
  text: string;
  uid: string;
  segments: SegmentBlock[];
}

export interface RejectedLine {
  text: string;
  /** Reason the line counts as `num_invalid_format`, in the words of the error log. */
  reason: string;
}

export interface ParsedSegmentFile {
  lines: ParsedLine[];
  invalidFormat: RejectedLine[];
}

/**
 * Parses a legacy-format BSS file strictly: `UID sep1 SEG_ID sep3 EXPIRATION` with more segment
 * blocks after `sep2`. A line that breaks the format, repeats an earlier line or is blank counts
 * as `num_invalid_format`, as Xandr counts it. One trailing line break is allowed.
 */
export function parseSegmentFile(text: string, format: BssFileFormat): ParsedSegmentFile {
  const rawLines = text.split('\n');
  if (rawLines.at(-1) === '') rawLines.pop();

  const lines: ParsedLine[] = [];
  const invalidFormat: RejectedLine[] = [];
  const seen = new Set<string>();
  for (const raw of rawLines) {
    if (seen.has(raw)) {
      invalidFormat.push({ text: raw, reason: 'failed as a duplicate line' });
      continue;
    }
    seen.add(raw);

    const parsed = parseLine(raw, format);
    if (typeof parsed === 'string') invalidFormat.push({ text: raw, reason: parsed });
    else lines.push(parsed);
  }

  return { lines, invalidFormat };
}

/** Returns the user ids of the lines, for the `invalid_marked` and `reject_marked` faults. */
export function readUids(text: string, format: BssFileFormat): string[] {
  return text
    .split('\n')
    .map((line) => line.split(format.separator1, 1)[0] ?? '')
    .filter((uid) => uid !== '');
}

/** Returns the parsed line, or the reason it breaks the format. */
function parseLine(raw: string, format: BssFileFormat): ParsedLine | string {
  if (raw === '') return 'failed as a blank line';
  const split = raw.indexOf(format.separator1);
  if (split <= 0) return 'failed without separator_1 after the user id';

  const uid = raw.slice(0, split);
  if (!/^\d{1,20}$/.test(uid)) return 'failed with a user id that is not a number';

  const blocks = raw.slice(split + format.separator1.length).split(format.separator2);
  if (blocks.length > MAX_SEGMENTS_PER_LINE) {
    return `failed with more than ${MAX_SEGMENTS_PER_LINE} segments`;
  }

  const segments: SegmentBlock[] = [];
  for (const block of blocks) {
    const fields = block.split(format.separator3);
    if (fields.length !== 2) return 'failed with an illegal number of fields';
    const [segmentId = '', expiration = ''] = fields;
    if (!/^\d{1,19}$/.test(segmentId)) return 'failed with a SEG_ID that is not a number';
    if (!/^(-1|\d{1,6})$/.test(expiration) || Number(expiration) > MAX_EXPIRATION_MINUTES) {
      return 'failed with an EXPIRATION that is not -1 or 0 to 259200';
    }
    segments.push({ segmentId, expiration: Number(expiration) });
  }

  return { text: raw, uid, segments };
}
