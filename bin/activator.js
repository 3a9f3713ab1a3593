#!/usr/bin/env node
// Entry point of the `activator` command: runs the compiled CLI from dist/.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(cli)) {
  console.error(
    'activator: dist/ is missing. Run `npm ci` (or `npm run build`) in the project first.',
  );
  process.exit(1);
}
const { runCli } = await import(cli);
await runCli(process.argv);
