// Renders benchmark results as the Markdown page docs/benchmarks.md, each figure next to its target.
const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

function row(scenario, measured, target, verdict) {
  return `| ${scenario} | ${measured} | ${target} | ${verdict} |`;
}

export function renderReport(results, context) {
  const rows = [];
  const { hashing, drain, steady, backlog, import: imported, statistics } = results;
  if (hashing) {
    rows.push(row('Hashing path (format + SHA-256, Meta mapping)', `${hashing.pathPerSecond.toLocaleString('en')} ids/s vs raw ${hashing.rawPerSecond.toLocaleString('en')} ids/s = ${fixed(hashing.ratio * 100)} %`, '≥ 70 % of raw', hashing.ratio >= 0.7 ? 'met' : `missed by ${fixed((0.7 - hashing.ratio) * 100)} points`));
  }
  if (drain) {
    rows.push(row(`Audience drain, ${drain.profiles.toLocaleString('en')} profiles, embedded`, `${drain.perSecond.toLocaleString('en')} profiles/s; ${fixed(drain.cpuSecondsPerMillion, 1)} CPU s per million; peak RSS ${drain.peakRssMb} MB`, '≥ 100,000 profiles/s', drain.perSecond >= 100_000 ? 'met' : `missed: ${fixed((drain.perSecond / 100_000) * 100)} % of target`));
  }
  if (steady) {
    rows.push(row(`Steady load, ${steady.offeredPerSecond.toLocaleString('en')} changes/s offered`, `p50 ${steady.p50Ms} ms, p95 ${steady.p95Ms} ms, p99 ${steady.p99Ms} ms`, 'p99 < 2 s at 5,000/s', steady.p99Ms < 2000 ? 'met' : `missed: p99 ${fixed(steady.p99Ms / 1000, 1)} s`));
  }
  if (backlog) {
    rows.push(row(`Backlog, ${backlog.pending.toLocaleString('en')} pending, partner down`, `peak RSS ${backlog.peakRssMbWhileDown} MB (draining ${backlog.peakRssMbDraining} MB); disk ${backlog.diskMbPerMillion} MB per million; drain ${fixed(backlog.drainSeconds, 1)} s`, 'RSS < 300 MB at 10 M', backlog.peakRssMbWhileDown < 300 ? 'met at this size' : 'missed'));
  }
  if (imported) {
    rows.push(row(`Import, ${imported.rows.toLocaleString('en')} rows`, `${imported.rowsPerSecond.toLocaleString('en')} rows/s; peak RSS ${imported.peakRssMb} MB`, '≥ 50,000 rows/s, flat memory', imported.rowsPerSecond >= 50_000 ? 'met' : `missed: ${fixed((imported.rowsPerSecond / 50_000) * 100)} % of target`));
  }
  if (statistics) {
    rows.push(row('Statistics, 90-day graph, 400 days of data', `p50 ${fixed(statistics.stats90P50Ms, 1)} ms, p95 ${fixed(statistics.stats90P95Ms, 1)} ms`, '< 50 ms', statistics.stats90P95Ms < 50 ? 'met' : 'missed'));
    rows.push(row('Statistics, connector list with 200 connectors', `p50 ${fixed(statistics.list200P50Ms, 1)} ms, p95 ${fixed(statistics.list200P95Ms, 1)} ms`, '(no target)', ''));
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
  ].join('\n');
}
