import { type ApiServer, buildApiServer } from '../api/api-server.js';
import { createTokenVerifier, loadApiToken } from '../auth/api-token.js';
import type { Config } from '../config/config.js';
import { ConnectorCatalog } from '../connectors/catalog.js';
import { ConnectorService } from '../connectors/management/connector-service.js';
import { TypeValidators } from '../connectors/management/type-validators.js';
import type { Logger } from '../log/logger.js';
import { createOutboundDispatcher } from '../net/partner-http-client.js';
import { SecretBox } from '../secrets/secret-box.js';
import { loadSecretKey } from '../secrets/secret-key.js';
import { AuditRepository } from '../store/audit-repository.js';
import { ConnectorRepository } from '../store/connector-repository.js';
import { openSqliteStore } from '../store/sqlite/open-sqlite-store.js';
import type { Store } from '../store/store.js';
import { createAjv } from '../validation/schema-validator.js';

/** A running service; `close()` stops the listener, then the store. */
export interface RunningService {
  app: ApiServer;
  store: Store;
  url: string;
  close(): Promise<void>;
}

/** Wires the store, secrets and API together; does not listen (tests use `inject`). */
export async function createService(
  config: Config,
  logger: Logger,
): Promise<Omit<RunningService, 'url'>> {
  if (config.databaseUrl || config.natsUrl) {
    // TODO: PostgreSQL and JetStream arrive with the scale-out deployment.
    throw new Error(
      'DATABASE_URL and NATS_URL are not supported yet; unset them to run on the embedded store.',
    );
  }
  const store = await openSqliteStore(config.dataDir, logger);
  logger.info({ store: store.location }, 'store opened');
  const secretKey = loadSecretKey(config.secretKey, config.dataDir);
  if (secretKey.created) logger.info({ path: secretKey.filePath }, 'secret key file created');
  const apiToken = loadApiToken(config.apiToken, config.dataDir);
  if (apiToken.source === 'file') {
    logger.info({ path: apiToken.filePath, created: apiToken.created }, 'API token read from file');
  }

  const catalog = new ConnectorCatalog();
  const audit = new AuditRepository(store.db);
  const connectors = new ConnectorService({
    store,
    connectors: new ConnectorRepository(store.db),
    audit,
    catalog,
    validators: new TypeValidators(catalog, createAjv()),
    secretBox: new SecretBox(secretKey.key),
    dispatcher: createOutboundDispatcher({
      allowPrivateDestinations: config.allowPrivateDestinations,
      httpsProxy: config.httpsProxy,
    }),
    allowPrivateDestinations: config.allowPrivateDestinations,
    viaProxy: config.httpsProxy !== undefined,
    logger,
  });
  const app = await buildApiServer({
    logger,
    verifyToken: createTokenVerifier(apiToken.token),
    catalog,
    connectors,
    audit,
  });

  return {
    app,
    store,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** Starts the service and listens on `HOST:PORT`. */
export async function startService(config: Config, logger: Logger): Promise<RunningService> {
  const service = await createService(config, logger);
  try {
    const url = await service.app.listen({ port: config.port, host: config.host });
    logger.info({ url, dataDir: config.dataDir }, 'activator started');

    return { ...service, url };
  } catch (error) {
    await service.close();
    throw error;
  }
}
