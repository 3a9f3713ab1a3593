// Renders benchmark results as the Markdown page docs/benchmarks.md, each figure next to its target.
const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function row(scenario, measured, target, verdict) {
  return `| ${scenario} | ${measured} | ${target} | ${verdict} |`;
}

// Findings of the profiles, printed with the figures. Update them when a fix changes the picture.
const ANALYSIS = `## What limits the missed targets

Drain. Before commit c3aa34a each claim grouped every waiting row and sorted a destination by
id, synchronously in better-sqlite3. At a million waiting activations the event loop stalled for
seconds, and partner request timers fired while responses waited. The drain ran at about
11,000 profiles/s (73 CPU s per million at 200,000). A claim now reads the oldest waiting
activation through the ready index, counts its group only up to the batch size and takes the
batch in next-attempt order, so each read stops early. Enqueue, the ledger and the return of
failed rows run one prepared statement per row on SQLite instead of statements with thousands
of bound values compiled by Kysely. At 200,000 profiles that gave 28,433 profiles/s and 35.7 CPU
s per million. What remains is the write work itself. Each activation is inserted with its destination and
profile as JSON into a table with four indexes, updated when claimed and deleted when settled,
and its ledger row is upserted. All of it runs on one core while the simulator takes the other.
The next steps are a narrow claim record kept apart from the payload, and a payload stored once
per batch.

- Drain and backlog: bound by the SQL writes above; the partner simulator shares the two cores.
  Backlog memory grows with the number of pending rows during enqueue because a request of
  10,000 activations is materialized at once, and the SQLite page cache grows with the file.
- Drain memory: peak RSS grew with the drained count in the last run (918 MB at 1,000,000
  against 372 MB at 200,000). The cause is not found yet; the backlog scenario, which enqueues
  as many rows, peaked lower, so the suspect is state kept per delivered batch.
- Import: rows are read in batches, their phone numbers parsed on a worker thread, and profiles
  stored 20,000 a transaction with a prepared multi-row upsert in id order. Per-thread CPU
  counters of one run gave 68 µs of CPU per row. The main thread took 33 (csv-parse,
  normalization, the upserts), the phone number worker about 27 and V8's garbage collector
  threads 8. Two cores therefore cap it near 30,000 rows/s, which this run reached.
  libphonenumber-js needs about 12 µs per number with the max metadata, partly because it
  builds a new RegExp for every pattern it tests (a copy patched to reuse them needed about
  8 µs). The target needs cheaper phone number parsing or more cores. Memory is flat in the file
  size; the worker and the larger batches raise it from about 260 MB to 400–480 MB.
- Hashing: 69 to 72 % of raw SHA-256 across runs; the margin to the 70 % target is within the
  run-to-run noise of this machine.
- Steady load: the offered rate is what the benchmark's enqueue loop reached in the same
  process; the latency figures hold for that rate.

The backlog here is 1,000,000 pending activations, not the scenario's ten million, which was
not run; \`--backlog\` sets the size.
`;

export function renderReport(results, context) {
  const rows = [];
  const { hashing, drain, steady, backlog, import: imported, statistics } = results;
  if (hashing) {
    rows.push(
      row(
        'Hashing path (format + SHA-256, Meta mapping)',
        `${hashing.pathPerSecond.toLocaleString('en')} ids/s vs raw ${hashing.rawPerSecond.toLocaleString('en')} ids/s = ${fixed(hashing.ratio * 100)} %`,
        '≥ 70 % of raw',
        hashing.ratio >= 0.7 ? 'met' : `missed by ${fixed((0.7 - hashing.ratio) * 100)} points`,
      ),
    );
  }
  if (drain) {
    rows.push(
      row(
        `Audience drain, ${drain.profiles.toLocaleString('en')} profiles, embedded`,
        `${drain.perSecond.toLocaleString('en')} profiles/s; ${fixed(drain.cpuSecondsPerMillion, 1)} CPU s per million; peak RSS ${drain.peakRssMb} MB`,
        '≥ 100,000 profiles/s',
        drain.perSecond >= 100_000
          ? 'met'
          : `missed: ${fixed((drain.perSecond / 100_000) * 100)} % of target`,
      ),
    );
  }
  if (steady) {
    rows.push(
      row(
        `Steady load, ${steady.offeredPerSecond.toLocaleString('en')} changes/s offered`,
        `p50 ${steady.p50Ms} ms, p95 ${steady.p95Ms} ms, p99 ${steady.p99Ms} ms`,
        'p99 < 2 s at 5,000/s',
        steady.p99Ms < 2000 ? 'met' : `missed: p99 ${fixed(steady.p99Ms / 1000, 1)} s`,
      ),
    );
  }
  if (backlog) {
    rows.push(
      row(
        `Backlog, ${backlog.pending.toLocaleString('en')} pending, partner down`,
        `peak RSS ${backlog.peakRssMbWhileDown} MB (draining ${backlog.peakRssMbDraining} MB); disk ${backlog.diskMbPerMillion} MB per million; drain ${fixed(backlog.drainSeconds, 1)} s`,
        'RSS < 300 MB at 10 M',
        backlog.peakRssMbWhileDown < 300 ? 'met at this size' : 'missed',
      ),
    );
  }
  if (imported) {
    rows.push(
      row(
        `Import, ${imported.rows.toLocaleString('en')} rows`,
        `${imported.rowsPerSecond.toLocaleString('en')} rows/s; peak RSS ${imported.peakRssMb} MB`,
        '≥ 50,000 rows/s, flat memory',
        imported.rowsPerSecond >= 50_000
          ? 'met'
          : `missed: ${fixed((imported.rowsPerSecond / 50_000) * 100)} % of target`,
      ),
    );
  }
  if (statistics) {
    rows.push(
      row(
        'Statistics, 90-day graph, 400 days of data',
        `p50 ${fixed(statistics.stats90P50Ms, 1)} ms, p95 ${fixed(statistics.stats90P95Ms, 1)} ms`,
        '< 50 ms',
        statistics.stats90P95Ms < 50 ? 'met' : 'missed',
      ),
    );
    rows.push(
      row(
        'Statistics, connector list with 200 connectors',
        `p50 ${fixed(statistics.list200P50Ms, 1)} ms, p95 ${fixed(statistics.list200P95Ms, 1)} ms`,
        '(no target)',
        '',
      ),
    );
  }

  return [
    '# Benchmarks',
    '',
    `Measured on ${context.date} with \`${context.command}\` at commit ${context.commit}, Node.js ${context.node},`,
    `${context.cpu}, ${context.memoryGb} GiB memory. The partner simulator runs in its own process on the`,
    'same machine, so it competes with the service for the two cores.',
    '',
    '| scenario | measured | target | verdict |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
    ANALYSIS,
  ].join('\n');
}
