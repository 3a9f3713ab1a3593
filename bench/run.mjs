// `npm run bench`: runs the benchmark scenarios, each in a fresh process, prints a table and
// writes docs/benchmarks.md. Options: --only name[,name] (hashing, drain, steady, backlog,
// import, statistics), --stores embedded[,shared], --drain N, --backlog N, --import N,
// --shared-drain N, --shared-backlog N, --shared-import N, --steady-seconds N,
// --capped-heap-mb N (0 skips the backlog run under a V8 heap limit), --cpu-prof DIR (a CPU
// profile of each scenario process, for bench/profile-summary.mjs), --no-write.
import { execSync, fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeSampleCsv } from '../dist/demo/sample-data/generate-customers.js';
import { renderReport } from './report.mjs';
import { prepareStore, sharedStoreUnavailable } from './stores.mjs';
import { ROOT, startSimulatorProcess } from './support.mjs';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    stores: { type: 'string', default: 'embedded,shared' },
    drain: { type: 'string', default: '1000000' },
    backlog: { type: 'string', default: '1000000' },
    import: { type: 'string', default: '1000000' },
    'shared-drain': { type: 'string', default: '200000' },
    'shared-backlog': { type: 'string', default: '200000' },
    'shared-import': { type: 'string', default: '200000' },
    'steady-seconds': { type: 'string', default: '60' },
    'capped-heap-mb': { type: 'string', default: '192' },
    'no-write': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
const only = values.only ? new Set(values.only.split(',')) : undefined;
const wanted = (name) => !only || only.has(name);
const source = wanted('import') ? await importSource() : undefined;

/**
 * Returns the CSV the import scenario replicates: the public sample export next to the checkout,
 * or a generated sample of 10,000 customers in the same columns when that file is missing.
 */
async function importSource() {
  const publicExport = path.resolve(ROOT, '..', 'shared', 'data', 'customers-10000.csv');
  if (existsSync(publicExport)) return { file: publicExport, label: 'the public sample export' };
  const file = path.join(
    mkdtempSync(path.join(os.tmpdir(), 'activator-bench-source-')),
    'customers.csv',
  );
  await writeSampleCsv(file);

  return { file, generated: true, label: `a generated sample (${publicExport} was not found)` };
}

/** Runs one scenario in a child process and returns what it reports. */
function runScenario(name, options, simulatorUrl, v8Flags = []) {
  return new Promise((resolve, reject) => {
    const child = fork(
      path.join(ROOT, 'bench', 'scenario.mjs'),
      [JSON.stringify({ name, options, simulatorUrl })],
      { execArgv: ['--expose-gc', ...v8Flags] },
    );
    let result;
    child.on('message', (message) => (result = message));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result !== undefined) resolve(result);
      else reject(new Error(`scenario ${name} exited with code ${code} before reporting`));
    });
  });
}

/** Runs the scenarios of one store with the sizes given for it. */
async function runStore(kind, simulatorUrl) {
  const sizes =
    kind === 'embedded'
      ? { drain: values.drain, backlog: values.backlog, import: values.import }
      : {
          drain: values['shared-drain'],
          backlog: values['shared-backlog'],
          import: values['shared-import'],
        };
  const results = {};
  let runs = 0;
  const run = async (name, options, v8Flags = []) => {
    const store = await prepareStore(kind);
    runs += 1;
    // One folder per run: each thread of the scenario process (the import's phone number worker
    // too) writes a profile of its own there.
    const profileFlags = values['cpu-prof']
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${path.resolve(values['cpu-prof'], `${runs}-${name}-${kind}`)}`,
        ]
      : [];
    try {
      return await runScenario(name, { ...options, env: store.env }, simulatorUrl, [
        ...v8Flags,
        ...profileFlags,
      ]);
    } finally {
      await store.remove();
    }
  };
  if (kind === 'embedded' && wanted('hashing'))
    results.hashing = await run('hashing', { count: 1_000_000 });
  if (wanted('drain')) results.drain = await run('drain', { count: Number(sizes.drain) });
  if (wanted('steady')) {
    const seconds = Number(values['steady-seconds']);
    results.steady = await run('steady', { perSecond: 5000, seconds });
  }
  if (wanted('backlog')) {
    results.backlog = await run('backlog', { count: Number(sizes.backlog) });
    const cappedMb = Number(values['capped-heap-mb']);
    if (kind === 'embedded' && cappedMb > 0) {
      // A heap limit that is too small ends the process: that is a finding, not a failed run.
      const capped = await run('backlog', { count: Number(sizes.backlog) }, [
        `--max-old-space-size=${cappedMb}`,
      ]).catch((error) => ({ pending: Number(sizes.backlog), failed: error.message }));
      results.cappedBacklog = { ...capped, heapLimitMb: cappedMb };
    }
  }
  if (wanted('import')) {
    const rows = Number(sizes.import);
    results.import = await run('import', { rows, source: source.file });
    // A fifth of the rows again: flat memory means about the same peak for both files.
    if (kind === 'embedded')
      results.import.smaller = await run('import', {
        rows: Math.round(rows / 5),
        source: source.file,
      });
  }
  if (wanted('statistics')) results.statistics = await run('statistics', {});

  return results;
}

const stores = values.stores.split(',');
const results = {};
const skipped = {};
const simulator = await startSimulatorProcess();
try {
  for (const kind of stores) {
    const unavailable = kind === 'shared' ? await sharedStoreUnavailable() : undefined;
    if (unavailable) skipped[kind] = unavailable;
    else results[kind] = await runStore(kind, simulator.url);
  }
} finally {
  await simulator.stop();
  if (source?.generated) rmSync(path.dirname(source.file), { recursive: true, force: true });
}

const context = {
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  node: process.version,
  commit: execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim(),
  cpu: `${os.cpus()[0]?.model ?? 'unknown'} x ${os.cpus().length}`,
  memoryGb: Math.round(os.totalmem() / 1_073_741_824),
  date: new Date().toISOString().slice(0, 10),
  skipped,
  importSource: source?.label,
};
const report = renderReport(results, context);
process.stdout.write(`${report}\n`);
if (!values['no-write']) writeFileSync(path.join(ROOT, 'docs', 'benchmarks.md'), report);
