import { randomInt } from 'node:crypto';
import { AudienceMembers } from '../audience-members.js';
import type { SimulatorState } from '../simulator-state.js';
import type { ParsedSegmentFile } from './segment-file.js';

/** Maximum number of jobs kept. The oldest are dropped first. */
const MAX_JOBS = 1_000;

/** Xandr lists the jobs of the last 30 days. */
const JOB_HISTORY_MS = 30 * 24 * 3_600_000;

/** Xandr lists at most 100 objects per response. */
const MAX_LISTED_JOBS = 100;

/** A job still in phase `starting` this long after its creation ends in phase `error`. */
const UPLOAD_WINDOW_MS = 5 * 60_000;

export type JobPhase =
  'starting' | 'uploading' | 'validating' | 'processing' | 'completed' | 'error';

/** The phase each status request moves an uploaded job to. */
const NEXT_PHASE: Partial<Record<JobPhase, JobPhase>> = {
  uploading: 'validating',
  validating: 'processing',
  processing: 'completed',
};

const PERCENT_COMPLETE: Record<JobPhase, number> = {
  starting: 0,
  uploading: 25,
  validating: 50,
  processing: 75,
  completed: 100,
  error: 0,
};

/** Counts and logs of a completed job, as Xandr reports them. */
export interface JobResult {
  num_valid: number;
  num_valid_user: number;
  num_invalid_format: number;
  num_invalid_user: number;
  num_invalid_segment: number;
  num_invalid_timestamp: number;
  num_unauth_segment: number;
  num_past_expiration: number;
  num_inactive_segment: number;
  num_other_error: number;
  error_log_lines: string | null;
  segment_log_lines: string | null;
}

export interface BatchJob {
  id: number;
  jobId: string;
  memberId: number;
  uploadUrl: string;
  phase: JobPhase;
  errorCode: string | null;
  createdMs: number;
  lastModifiedMs: number;
  uploadedMs?: number;
  validatedMs?: number;
  completedMs?: number;
  file?: ParsedSegmentFile;
  /** User ids that an `invalid_marked` fault made unknown to Xandr. */
  invalidUids: Set<string>;
  result?: JobResult;
}

export interface BatchJobOptions {
  now: () => number;
  /** Lines kept in `error_log_lines` (the member's `num_error_log_lines`). */
  numErrorLogLines: number;
}

/** BSS jobs of the simulated Xandr: created, uploaded to, and advanced by status requests. */
export class BatchJobs {
  #jobs: BatchJob[] = [];
  #nextId = 1;

  constructor(private readonly options: BatchJobOptions) {}

  create(memberId: number, uploadUrlOf: (jobId: string) => string): BatchJob {
    const now = this.options.now();
    const jobId = newJobId(now);
    const job: BatchJob = {
      id: this.#nextId++,
      jobId,
      memberId,
      uploadUrl: uploadUrlOf(jobId),
      phase: 'starting',
      errorCode: null,
      createdMs: now,
      lastModifiedMs: now,
      invalidUids: new Set(),
    };
    this.#jobs.push(job);
    if (this.#jobs.length > MAX_JOBS) this.#jobs.shift();

    return job;
  }

  find(jobId: string, memberId?: number): BatchJob | undefined {
    const job = this.#jobs.find((candidate) => candidate.jobId === jobId);
    if (!job || (memberId !== undefined && job.memberId !== memberId)) return undefined;
    this.#expireUpload(job);

    return job;
  }

  /** Jobs of the member from the last 30 days, newest first, at most 100. */
  list(memberId: number): BatchJob[] {
    const since = this.options.now() - JOB_HISTORY_MS;

    return this.#jobs
      .filter((job) => job.memberId === memberId && job.createdMs >= since)
      .reverse()
      .slice(0, MAX_LISTED_JOBS);
  }

  /** Stores the uploaded file and moves the job to phase `uploading`. */
  attachFile(job: BatchJob, file: ParsedSegmentFile, invalidUids: Iterable<string>): void {
    const now = this.options.now();
    job.file = file;
    job.invalidUids = new Set(invalidUids);
    job.phase = 'uploading';
    job.uploadedMs = now;
    job.lastModifiedMs = now;
  }

  /**
   * Moves an uploaded job one phase on, as one status request does. Reaching `completed`
   * validates the file and applies the memberships to the partner audiences.
   */
  advance(job: BatchJob, state: SimulatorState): void {
    const next = NEXT_PHASE[job.phase];
    if (!next) return;
    const now = this.options.now();
    job.phase = next;
    job.lastModifiedMs = now;
    if (next === 'processing') job.validatedMs = now;
    if (next !== 'completed') return;

    job.completedMs = now;
    job.result = applyFile(job, state, this.options.numErrorLogLines);
  }

  /** A job not uploaded within 5 minutes ends in phase `error` with `uploading-error`. */
  #expireUpload(job: BatchJob): void {
    const now = this.options.now();
    if (job.phase !== 'starting' || now - job.createdMs <= UPLOAD_WINDOW_MS) return;
    job.phase = 'error';
    job.errorCode = 'uploading-error';
    job.lastModifiedMs = now;
  }
}

/** The job as `GET /batch-segment` returns it. */
export function describeJob(job: BatchJob): Record<string, unknown> {
  const result = job.result;

  return {
    phase: job.phase,
    start_time: formatTime(job.createdMs),
    uploaded_time: formatTime(job.uploadedMs),
    validated_time: formatTime(job.validatedMs),
    completed_time: formatTime(job.completedMs),
    error_code: job.errorCode,
    time_to_process:
      job.completedMs === undefined
        ? '0.00'
        : ((job.completedMs - job.createdMs) / 60_000).toFixed(2),
    percent_complete: PERCENT_COMPLETE[job.phase],
    num_valid: result?.num_valid ?? 0,
    num_valid_user: result?.num_valid_user ?? 0,
    num_invalid_format: result?.num_invalid_format ?? 0,
    num_invalid_user: result?.num_invalid_user ?? 0,
    num_invalid_segment: result?.num_invalid_segment ?? 0,
    num_invalid_timestamp: result?.num_invalid_timestamp ?? 0,
    num_unauth_segment: result?.num_unauth_segment ?? 0,
    num_past_expiration: result?.num_past_expiration ?? 0,
    num_inactive_segment: result?.num_inactive_segment ?? 0,
    num_other_error: result?.num_other_error ?? 0,
    error_log_lines: result?.error_log_lines ?? null,
    segment_log_lines: result?.segment_log_lines ?? null,
    id: job.id,
    job_id: job.jobId,
    member_id: job.memberId,
    created_on: formatTime(job.createdMs),
    last_modified: formatTime(job.lastModifiedMs),
  };
}

/**
 * Validates the file of a job and applies its memberships: a segment block with `EXPIRATION` -1
 * removes the user from the partner audience whose id is the segment id, and any other value adds
 * them. A segment without a Xandr audience in the simulator counts as `num_invalid_segment`.
 */
function applyFile(job: BatchJob, state: SimulatorState, maxLogLines: number): JobResult {
  const result: JobResult = {
    num_valid: 0,
    num_valid_user: 0,
    num_invalid_format: job.file?.invalidFormat.length ?? 0,
    num_invalid_user: 0,
    num_invalid_segment: 0,
    num_invalid_timestamp: 0,
    num_unauth_segment: 0,
    num_past_expiration: 0,
    num_inactive_segment: 0,
    num_other_error: 0,
    error_log_lines: null,
    segment_log_lines: null,
  };
  const errorLog = (job.file?.invalidFormat ?? []).map(
    (line) => `num_invalid_format-${line.text} ${line.reason}`,
  );
  const invalidSegments = new Set<string>();
  const usersBySegment = new Map<string, number>();
  const removals = new Map<string, Set<string>>();

  for (const line of job.file?.lines ?? []) {
    if (job.invalidUids.has(line.uid)) {
      result.num_invalid_user += 1;
      errorLog.push(`num_invalid_user-${line.text}`);
      continue;
    }
    result.num_valid_user += 1;
    let lineLogged = false;
    for (const { segmentId, expiration } of line.segments) {
      const audience = state.findPartnerAudience('xandr', segmentId);
      if (!audience) {
        invalidSegments.add(segmentId);
        if (!lineLogged) errorLog.push(`num_invalid_segment-${line.text}`);
        lineLogged = true;
        continue;
      }
      result.num_valid += 1;
      usersBySegment.set(segmentId, (usersBySegment.get(segmentId) ?? 0) + 1);
      if (expiration === -1) {
        const uids = removals.get(segmentId) ?? new Set<string>();
        uids.add(line.uid);
        removals.set(segmentId, uids);
      } else {
        audience.members.add({ UID: line.uid });
      }
    }
  }
  for (const [segmentId, uids] of removals) removeMembers(state, segmentId, uids);

  result.num_invalid_segment = invalidSegments.size;
  if (errorLog.length > 0) result.error_log_lines = logText(errorLog.slice(0, maxLogLines));
  if (usersBySegment.size > 0) {
    const counts = [...usersBySegment].map(([segmentId, count]) => `${segmentId}:${count}`);
    result.segment_log_lines = logText(counts);
  }

  return result;
}

/**
 * Removes members by user id. `AudienceMembers` matches removals by identifying keys only, and
 * `UID` is not one of them, so the audience gets a new member set without those users.
 */
function removeMembers(state: SimulatorState, segmentId: string, uids: Set<string>): void {
  const audience = state.findPartnerAudience('xandr', segmentId);
  if (!audience) return;

  const remaining = new AudienceMembers();
  for (const member of audience.members.list()) {
    if (!uids.has(member.UID ?? '')) remaining.add(member);
  }
  audience.members = remaining;
}

/** Xandr's log fields are newline-separated lines after a leading line break. */
function logText(lines: string[]): string {
  return lines.map((line) => `\n${line}`).join('');
}

/** Xandr job ids are 30 random letters and digits followed by the creation time in seconds. */
function newJobId(nowMs: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let random = '';
  for (let index = 0; index < 30; index += 1) random += alphabet[randomInt(alphabet.length)];

  return `${random}${Math.floor(nowMs / 1000)}`;
}

/** Formats a time as Xandr does: `YYYY-MM-DD HH:MM:SS` in UTC, or null. */
function formatTime(ms: number | undefined): string | null {
  if (ms === undefined) return null;

  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
