// The stores a scenario runs on: the embedded default (SQLite file, queue in it) and, when the
// servers accept connections, PostgreSQL with the JetStream queue. Each shared run gets its own database
// and stream, removed afterwards.
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';

const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';

export const STORE_LABELS = { embedded: 'embedded', shared: 'PostgreSQL + NATS' };

/** Returns why the shared store cannot run here, or undefined when both servers accept connections. */
export async function sharedStoreUnavailable() {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
  } catch (error) {
    return `PostgreSQL at ${new URL(POSTGRES_URL).host} did not answer (${error.message})`;
  } finally {
    await client.end().catch(() => {});
  }
  try {
    const connection = await connect({ servers: NATS_URL, timeout: 2000 });
    await jetstreamManager(connection);
    await connection.close();
  } catch (error) {
    return `NATS with JetStream at ${NATS_URL} did not answer (${error.message})`;
  }

  return undefined;
}

/** Environment for one scenario's service, and a function that removes what it created. */
export async function prepareStore(kind) {
  if (kind === 'embedded') return { env: {}, remove: async () => {} };
  const suffix = randomBytes(5).toString('hex');
  const database = `activator_bench_${suffix}`;
  const stream = `BENCH_ACTIVATIONS_${suffix}`;
  await adminQuery(`create database ${database}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;

  return {
    env: { DATABASE_URL: url.toString(), NATS_URL, ACTIVATOR_NATS_STREAM: stream },
    async remove() {
      await adminQuery(`drop database if exists ${database} with (force)`);
      const connection = await connect({ servers: NATS_URL });
      try {
        await (await jetstreamManager(connection)).streams.delete(stream).catch(() => false);
      } finally {
        await connection.close();
      }
    },
  };
}

async function adminQuery(text) {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Bytes the store holds: the data directory, plus the database and stream when shared. */
export async function storeBytes(bench, env) {
  let total = directorySize(bench.dataDir);
  if (!env.DATABASE_URL) return total;
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    const result = await client.query('select pg_database_size(current_database()) as size');
    total += Number(result.rows[0].size);
  } finally {
    await client.end();
  }
  const connection = await connect({ servers: env.NATS_URL });
  try {
    const info = await (await jetstreamManager(connection)).streams.info(env.ACTIVATOR_NATS_STREAM);
    total += info.state.bytes;
  } finally {
    await connection.close();
  }

  return total;
}

function directorySize(dir) {
  return readdirSync(dir).reduce((total, file) => total + statSync(path.join(dir, file)).size, 0);
}
