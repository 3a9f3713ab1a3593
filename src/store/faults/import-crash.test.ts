import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CRM_MAPPING } from '../../profiles/ingest/import-mapping.js';
import { type NodeChild, startNodeChild } from '../../test-support/node-child.js';
import { sampleExportPath } from '../../test-support/sample-export.js';
import { waitFor } from '../../test-support/simulator-client.js';
import { SQLITE_FILE } from '../sqlite/open-sqlite-store.js';

// The service runs from dist/, which `npm test` builds first.
const ACTIVATOR = path.resolve('bin/activator.js');
const TOKEN = 'import-crash-test-token-0123';
const LONG = process.env.ACTIVATOR_LONG_TESTS === '1';
const ROUNDS = LONG ? 10 : 1;
/**
 * Copies of the sample export's 10,000 rows in the import. The service stores an import in
 * transactions of at least 20,000 profiles, so three copies make one full batch and part of
 * the next.
 */
const COPIES = 3;
/** The end of the body, in bytes, that is only sent after the kill, so the import never ends. */
const HELD_BACK_BYTES = 64 * 1024;
const IMPORT_PATH = `/api/v1/profiles/import?mapping=${encodeURIComponent(
  JSON.stringify(DEFAULT_CRM_MAPPING),
)}`;

interface ImportFile {
  body: Buffer;
  /** Profile ids in the order of their rows. */
  ids: string[];
}

/** Builds a CSV of COPIES copies of the sample export, each with its own prefix on every id. */
function buildImportFile(): ImportFile {
  const [header, ...rows] = readFileSync(sampleExportPath(), 'utf8').trimEnd().split(/\r?\n/);
  const lines = [header];
  const ids: string[] = [];
  for (let copy = 0; copy < COPIES; copy += 1) {
    for (const row of rows) {
      // `Index` and `Customer Id` are the first two columns and never quoted in the export.
      const first = row.indexOf(',');
      const second = row.indexOf(',', first + 1);
      const id = `c${copy}-${row.slice(first + 1, second)}`;
      ids.push(id);
      lines.push(`${row.slice(0, first + 1)}${id}${row.slice(second)}`);
    }
  }

  // The copies keep the export's CRLF line ends.
  return { body: Buffer.from(`${lines.join('\r\n')}\r\n`), ids };
}

const dataDirs: string[] = [];
const children: NodeChild[] = [];

afterAll(async () => {
  for (const child of children) await child.kill();
  for (const dataDir of dataDirs) rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `activator serve` on a free port and returns the child and its base URL. */
async function startServer(dataDir: string): Promise<{ child: NodeChild; url: string }> {
  const child = startNodeChild(ACTIVATOR, ['serve'], {
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    ACTIVATOR_API_TOKEN: TOKEN,
    LOG_LEVEL: 'info',
  });
  children.push(child);
  const started = await child.waitForLine((line) => line.includes('"activator started"'), 30_000);

  return { child, url: (JSON.parse(started) as { url: string }).url };
}

/**
 * Streams `body` to the import endpoint, except its last `holdBack` bytes. Returns a promise of
 * the response and a function that sends the held-back end.
 */
function streamImport(url: string, body: Buffer, holdBack: number) {
  const upload = request(`${url}${IMPORT_PATH}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'text/csv',
      'content-length': String(body.length),
    },
  });
  let sent = 0;
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    upload.on('error', reject);
    upload.on('response', (incoming) => {
      const parts: Buffer[] = [];
      incoming.on('data', (part: Buffer) => parts.push(part));
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 0, text: Buffer.concat(parts).toString() }),
      );
      incoming.on('error', reject);
    });
  });
  const sending = (async () => {
    const end = body.length - holdBack;
    while (sent < end && !upload.destroyed) {
      const part = body.subarray(sent, Math.min(sent + 16 * 1024, end));
      sent += part.length;
      if (!upload.write(part)) await once(upload, 'drain').catch(() => undefined);
    }
  })();

  return {
    response,
    async finish() {
      await sending;
      upload.end(body.subarray(sent));
    },
  };
}

interface StoredProfile {
  id: string;
  identifiers: string;
  attributes: string;
  consents: string;
}

function readProfiles(dataDir: string): Map<string, StoredProfile> {
  const database = new SQLite(path.join(dataDir, SQLITE_FILE), { readonly: true });
  try {
    const rows = database
      .prepare('select id, identifiers, attributes, consents from profiles')
      .all() as StoredProfile[];

    return new Map(rows.map((row) => [row.id, row]));
  } finally {
    database.close();
  }
}

function integrityCheck(dataDir: string): unknown {
  const database = new SQLite(path.join(dataDir, SQLITE_FILE));
  try {
    return database.pragma('integrity_check', { simple: true });
  } finally {
    database.close();
  }
}

/** Opens a read-only connection to the store of a running service, to watch the import commit. */
function watchStore(dataDir: string) {
  const filePath = path.join(dataDir, SQLITE_FILE);
  const reader = new SQLite(filePath, { readonly: true });

  return {
    count: () => (reader.prepare('select count(*) as n from profiles').get() as { n: number }).n,
    ids: () =>
      (reader.prepare('select id from profiles').all() as { id: string }[]).map((row) => row.id),
    /** Modification time of the write-ahead log, which changes when a transaction writes. */
    walModified: () => statSync(`${filePath}-wal`, { throwIfNoEntry: false })?.mtimeMs,
    close: () => reader.close(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kill -9 during an import', () => {
  const file = buildImportFile();

  it('keeps committed batches and re-imports', { timeout: LONG ? 900_000 : 120_000 }, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'activator-import-crash-'));
      dataDirs.push(dataDir);

      // First kill: while the first batch is written. Its 20,000 profiles (about 6 MB) exceed
      // SQLite's default page cache of 2 MB, so the transaction writes to the WAL before it
      // commits.
      const first = await startServer(dataDir);
      const firstWatch = watchStore(dataDir);
      const idleWal = firstWatch.walModified();
      const firstUpload = streamImport(first.url, file.body, HELD_BACK_BYTES);
      firstUpload.response.catch(() => undefined);
      // waitFor polls every 20 ms, longer than the write of a batch takes, so this loop polls
      // every millisecond.
      const deadline = Date.now() + 60_000;
      while (firstWatch.walModified() === idleWal && Date.now() < deadline) await sleep(1);
      const countAtKill = firstWatch.count();
      await first.child.kill();
      // The kill was sent while the batch was written, before any profile was visible.
      expect(firstWatch.walModified()).not.toBe(idleWal);
      expect(countAtKill).toBe(0);
      firstWatch.close();

      expect(integrityCheck(dataDir)).toBe('ok');
      const afterWriteKill = readProfiles(dataDir);
      // Batches commit in file order, each whole or not at all, so the stored ids are the first
      // rows of the file and nothing else.
      expect([...afterWriteKill.keys()].sort()).toEqual(
        file.ids.slice(0, afterWriteKill.size).sort(),
      );

      // Second kill: after a batch committed, at a random point of the next one. The service
      // returns nothing before the import ends, so a profile counts as acknowledged once a
      // reader of the store finds it committed.
      const second = await startServer(dataDir);
      const secondWatch = watchStore(dataDir);
      const committedBefore = secondWatch.count();
      const secondUpload = streamImport(second.url, file.body, HELD_BACK_BYTES);
      secondUpload.response.catch(() => undefined);
      await waitFor('a committed batch', () => secondWatch.count() > committedBefore, 60_000);
      await sleep(Math.random() * (LONG ? 3_000 : 500));
      const acknowledged = secondWatch.ids();
      await second.child.kill();
      secondWatch.close();

      expect(integrityCheck(dataDir)).toBe('ok');
      const afterKill = readProfiles(dataDir);
      expect(acknowledged.filter((id) => !afterKill.has(id))).toEqual([]);
      expect([...afterKill.keys()].sort()).toEqual(file.ids.slice(0, afterKill.size).sort());
      expect(afterKill.size).toBeLessThan(file.ids.length);

      // A complete import of the same file on the same store.
      const third = await startServer(dataDir);
      const complete = streamImport(third.url, file.body, 0);
      await complete.finish();
      const response = await complete.response;
      await third.child.kill();
      expect(response.status).toBe(200);
      const summary = JSON.parse(response.text) as { read: number; stored: number };
      expect(summary.read).toBe(file.ids.length);
      expect(summary.stored).toBe(file.ids.length);

      expect(integrityCheck(dataDir)).toBe('ok');
      const afterImport = readProfiles(dataDir);
      expect([...afterImport.keys()].sort()).toEqual([...file.ids].sort());
      // Each profile stored before a kill equals what the complete import wrote, so none was
      // written in part.
      const differing = [...afterKill.values()].filter((row) => {
        const reimported = afterImport.get(row.id);

        return (
          row.identifiers !== reimported?.identifiers ||
          row.attributes !== reimported.attributes ||
          row.consents !== reimported.consents
        );
      });
      expect(differing).toEqual([]);
    }
  });
});
