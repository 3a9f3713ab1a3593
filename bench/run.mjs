// `npm run bench`: runs the benchmark scenarios, prints a table and writes docs/benchmarks.md.
// Options: --only name[,name] (hashing, drain, steady, backlog, import, statistics),
// --drain N, --backlog N, --import N, --steady-seconds N, --no-write.
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchBacklog, benchDrain, benchSteady } from './delivery.mjs';
import { benchHashing } from './hashing.mjs';
import { benchImport, benchStatistics } from './import-and-stats.mjs';
import { ROOT, startSimulatorProcess } from './support.mjs';
import { renderReport } from './report.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    drain: { type: 'string', default: '1000000' },
    backlog: { type: 'string', default: '1000000' },
    import: { type: 'string', default: '1000000' },
    'steady-seconds': { type: 'string', default: '60' },
    'no-write': { type: 'boolean', default: false },
  },
});
const only = values.only ? new Set(values.only.split(',')) : undefined;
const wanted = (name) => !only || only.has(name);
const source = path.resolve(ROOT, '..', 'shared', 'data', 'customers-10000.csv');

const results = {};
const simulator = await startSimulatorProcess();
try {
  if (wanted('hashing')) results.hashing = await benchHashing({ count: 1_000_000 });
  if (wanted('drain')) results.drain = await benchDrain(simulator, { count: Number(values.drain) });
  if (wanted('steady')) {
    results.steady = await benchSteady(simulator, {
      perSecond: 5000,
      seconds: Number(values['steady-seconds']),
    });
  }
  if (wanted('backlog'))
    results.backlog = await benchBacklog(simulator, { count: Number(values.backlog) });
  if (wanted('import')) results.import = await benchImport({ rows: Number(values.import), source });
  if (wanted('statistics')) results.statistics = await benchStatistics();
} finally {
  await simulator.stop();
}

const context = {
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  node: process.version,
  commit: execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim(),
  cpu: `${os.cpus()[0]?.model ?? 'unknown'} x ${os.cpus().length}`,
  memoryGb: Math.round(os.totalmem() / 1_073_741_824),
  date: new Date().toISOString().slice(0, 10),
};
const report = renderReport(results, context);
process.stdout.write(`${report}\n`);
if (!values['no-write']) writeFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), report);
