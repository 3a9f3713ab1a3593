import { type Command, InvalidArgumentError } from 'commander';
import { SessionStore } from '../../auth/session-store.js';
import { TOKEN_ROLES, TokenStore } from '../../auth/token-store.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../log/logger.js';
import { openStore } from '../../store/open-store.js';
import type { TokenRole } from '../../store/schema.js';

function parseRole(value: string): TokenRole {
  if ((TOKEN_ROLES as readonly string[]).includes(value)) return value as TokenRole;
  throw new InvalidArgumentError(`expected one of ${TOKEN_ROLES.join(', ')}.`);
}

/** Opens the configured store (DATA_DIR or DATABASE_URL), runs `work`, then closes it. */
async function withTokens<T>(work: (tokens: TokenStore, sessions: SessionStore) => Promise<T>) {
  const config = loadConfig();
  // Logs go to stderr, so stdout carries only the command's output.
  const store = await openStore(config, createLogger('warn', process.stderr));
  try {
    return await work(new TokenStore(store.db), new SessionStore(store.db));
  } finally {
    await store.close();
  }
}

/** Adds `tokens create|list|revoke`, which manage named API tokens in the store. */
export function registerTokensCommand(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('Manage named API tokens (admin may change configuration, viewer may only read).');

  tokens
    .command('create')
    .description('Create a token and print it once; only its hash is stored.')
    .requiredOption('--name <name>', 'unique name, shown in the audit log')
    .option('--role <role>', 'admin or viewer', parseRole, 'viewer' as TokenRole)
    .action(async (options: { name: string; role: TokenRole }) => {
      const token = await withTokens((store) => store.create(options.name, options.role));
      process.stderr.write(
        `Created the ${options.role} token '${options.name}'. It is shown once; keep it safe.\n`,
      );
      process.stdout.write(`${token}\n`);
    });

  tokens
    .command('list')
    .description('List tokens with their role, creation, last use and revocation.')
    .action(async () => {
      const rows = await withTokens((store) => store.list());
      for (const row of rows) {
        const state = row.revokedAt ? `revoked ${row.revokedAt}` : 'live';
        process.stdout.write(
          `${row.name}\t${row.role}\tcreated ${row.createdAt}\tlast used ${row.lastUsedAt ?? 'never'}\t${state}\n`,
        );
      }
    });

  tokens
    .command('revoke')
    .description('Revoke a token and end its console sessions.')
    .argument('<name>', 'the token to revoke')
    .action(async (name: string) => {
      await withTokens(async (store, sessions) => {
        await store.revoke(name);
        await sessions.endFor(name);
      });
      process.stderr.write(`Revoked the token '${name}'.\n`);
    });
}
