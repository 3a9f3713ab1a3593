// Scenario 5: import throughput and memory; scenario 6: statistics response times.
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { DEFAULT_CRM_MAPPING } from '../dist/profiles/ingest/import-mapping.js';
import { mb, percentile, startBenchService, trackPeakRss } from './support.mjs';

/** Writes the sample export replicated to `rows` rows, with ids and emails rewritten per copy. */
async function replicateExport(source, rows, target) {
  const [header, ...lines] = readFileSync(source, 'utf8').trimEnd().split(/\r?\n/);
  const out = createWriteStream(target);
  out.write(`${header}\n`);
  for (let written = 0, copy = 0; written < rows; copy += 1) {
    for (const line of lines) {
      if (written >= rows) break;
      // Customer Id is the second column and Email the tenth; both are simple fields.
      const fields = line.split(',');
      const rewritten = line
        .replace(fields[1], `${fields[1]}c${copy}`)
        .replace(/([\w.+-]+)@/, `$1.c${copy}@`);
      if (!out.write(`${rewritten}\n`)) await once(out, 'drain');
      written += 1;
    }
  }
  out.end();
  await once(out, 'finish');
}

export async function benchImport({ rows, source, env }) {
  const dir = mkdtempSync(path.join(tmpdir(), 'activator-bench-import-'));
  const file = path.join(dir, 'customers.csv');
  await replicateExport(source, rows, file);
  const bench = await startBenchService(env);
  const rss = trackPeakRss();
  const started = Date.now();
  const summary = await bench.api(
    'POST',
    `/profiles/import?mapping=${encodeURIComponent(JSON.stringify(DEFAULT_CRM_MAPPING))}`,
    createReadStream(file),
    { 'content-type': 'text/csv' },
  );
  const seconds = (Date.now() - started) / 1000;
  const peakRss = rss.stop();
  await bench.stop();
  rmSync(dir, { recursive: true, force: true });

  return {
    rows: summary.read,
    stored: summary.stored,
    rowsPerSecond: Math.round(summary.read / seconds),
    peakRssMb: mb(peakRss),
  };
}

async function timeRequests(api, url, times) {
  const samples = [];
  for (let index = 0; index < times; index += 1) {
    const started = process.hrtime.bigint();
    await api('GET', url);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }

  return samples.sort((a, b) => a - b);
}

export async function benchStatistics({ env }) {
  const bench = await startBenchService(env);
  const connectors = [];
  for (let index = 0; index < 200; index += 1) {
    const connector = await bench.api('POST', '/connectors', {
      type: 'meta-custom-audiences',
      name: `Connector ${index}`,
      settings: { adAccountId: String(index + 1) },
      credentials: { accessToken: 'bench-access-token' },
    });
    connectors.push(connector.id);
  }
  const connectorId = connectors[0];
  const metrics = [
    'added',
    'removed',
    'failed',
    'error.timeout',
    'error.other',
    'partner.613',
    'partner.100/33',
  ];
  const now = Date.now();
  const daily = [];
  const hourly = [];
  for (let day = 0; day < 400; day += 1) {
    const date = new Date(now - day * 86_400_000).toISOString();
    for (const metric of metrics)
      daily.push({ connector_id: connectorId, day: date.slice(0, 10), metric, count: 1000 + day });
    if (day < 31) {
      for (let hour = 0; hour < 24; hour += 1) {
        for (const metric of metrics)
          hourly.push({
            connector_id: connectorId,
            hour: `${date.slice(0, 10)}T${String(hour).padStart(2, '0')}`,
            metric,
            count: 40,
          });
      }
    }
  }
  for (let start = 0; start < daily.length; start += 500)
    await bench.service.store.db
      .insertInto('stats_daily')
      .values(daily.slice(start, start + 500))
      .execute();
  for (let start = 0; start < hourly.length; start += 500)
    await bench.service.store.db
      .insertInto('stats_hourly')
      .values(hourly.slice(start, start + 500))
      .execute();

  const ninety = await timeRequests(bench.api, `/connectors/${connectorId}/stats?days=90`, 50);
  const list = await timeRequests(bench.api, '/connectors', 10);
  await bench.stop();

  return {
    stats90P50Ms: percentile(ninety, 0.5),
    stats90P95Ms: percentile(ninety, 0.95),
    list200P50Ms: percentile(list, 0.5),
    list200P95Ms: percentile(list, 0.95),
  };
}
