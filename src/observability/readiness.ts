/** One dependency the service needs to do its work. */
export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency responds, and rejects with the reason otherwise. */
  run(): Promise<void>;
  /** Message that `GET /ready` returns when the check fails. Only the log gets the reason. */
  failureMessage: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  /** Names of the failed checks. */
  failed: string[];
  checks: Record<string, { ok: true } | { ok: false; message: string }>;
}

/** A check that takes longer than this fails, so a hung dependency cannot hang the probe. */
export const READINESS_TIMEOUT_MS = 2_000;

/** Runs every check at the same time and reports which failed, with each failure's reason. */
export async function checkReadiness(
  checks: readonly ReadinessCheck[],
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<{ report: ReadinessReport; reasons: Record<string, string> }> {
  const results = await Promise.all(
    checks.map(async (check) => {
      try {
        await withTimeout(check.run(), timeoutMs);

        return { check, reason: undefined };
      } catch (error) {
        return { check, reason: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const report: ReadinessReport = { status: 'ready', failed: [], checks: {} };
  const reasons: Record<string, string> = {};
  for (const { check, reason } of results) {
    if (reason === undefined) {
      report.checks[check.name] = { ok: true };
      continue;
    }
    report.status = 'not_ready';
    report.failed.push(check.name);
    report.checks[check.name] = { ok: false, message: check.failureMessage };
    reasons[check.name] = reason;
  }

  return { report, reasons };
}

async function withTimeout(promise: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no response within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
