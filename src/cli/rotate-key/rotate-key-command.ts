import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { ConfigError } from '../../errors/app-error.js';
import { createLogger } from '../../log/logger.js';
import { reencryptCredentials } from '../../secrets/rotate-credentials.js';
import { SecretBox } from '../../secrets/secret-box.js';
import { loadSecretKey, writeSecretKeyFile } from '../../secrets/secret-key.js';
import { openStore } from '../../store/open-store.js';

function parseNewKey(text: string | undefined): Buffer | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32 || key.toString('base64') !== text.trim()) {
    throw new ConfigError(
      'ACTIVATOR_NEW_SECRET_KEY',
      'expected the base64 encoding of 32 random bytes (`openssl rand -base64 32`).',
    );
  }

  return key;
}

/**
 * Adds `rotate-key`, which re-encrypts every stored credential with a new key. With the key
 * file, the new key is written above the old one, the credentials move in one transaction, and
 * then the old key is removed, so an interruption at any step leaves every credential readable.
 * With `ACTIVATOR_SECRET_KEY`, the new key comes from `ACTIVATOR_NEW_SECRET_KEY`.
 */
export function registerRotateKeyCommand(program: Command): void {
  program
    .command('rotate-key')
    .description(
      'Re-encrypt every stored credential with a new key. Stop the service first (all processes ' +
        'in a scale-out deployment); start it again afterwards.',
    )
    .option('--keep-previous', 'keep the old key in the key file so it still decrypts', false)
    .action(async (options: { keepPrevious: boolean }) => {
      const config = loadConfig();
      const newKeyFromEnv = parseNewKey(process.env.ACTIVATOR_NEW_SECRET_KEY);
      if (config.secretKey && !newKeyFromEnv) {
        throw new ConfigError(
          'ACTIVATOR_NEW_SECRET_KEY',
          'the current key comes from ACTIVATOR_SECRET_KEY, so the new one must come from ' +
            'ACTIVATOR_NEW_SECRET_KEY (`openssl rand -base64 32`).',
        );
      }
      const current = loadSecretKey(config.secretKey, config.dataDir, config.previousSecretKeys);
      const newKey = newKeyFromEnv ?? randomBytes(32);
      const oldKeys = [current.key, ...current.previous];
      if (current.filePath) writeSecretKeyFile(current.filePath, [newKey, ...oldKeys]);
      const store = await openStore(config, createLogger('warn', process.stderr));
      try {
        const result = await reencryptCredentials(store.db, new SecretBox(newKey, oldKeys));
        process.stdout.write(
          `Re-encrypted the credentials of ${result.reencrypted} connector(s); ` +
            `${result.current} already used the new key.\n`,
        );
      } finally {
        await store.close();
      }
      if (current.filePath) {
        writeSecretKeyFile(
          current.filePath,
          options.keepPrevious ? [newKey, ...oldKeys] : [newKey],
        );
        process.stdout.write(`The key file ${current.filePath} now holds the new key.\n`);
      } else {
        process.stdout.write(
          'Set ACTIVATOR_SECRET_KEY to the value of ACTIVATOR_NEW_SECRET_KEY before the next start.\n',
        );
      }
      process.stdout.write(
        'Links of the id-sync endpoint signed with the old key no longer verify.\n',
      );
    });
}
