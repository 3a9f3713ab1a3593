// Runs before `npm start`: builds the service and the console when either output is missing,
// so a clone started without `npm ci` (or after `rm -rf dist`) still serves the console.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const requiredOutputs = ['../dist/cli/main.js', '../dist/console/index.html'].map((relative) =>
  fileURLToPath(new URL(relative, import.meta.url)),
);
const missing = requiredOutputs.filter((file) => !existsSync(file));

if (missing.length > 0) {
  console.log(`Building, because these build outputs are missing: ${missing.join(', ')}`);
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) {
    console.error('The build failed; fix the errors above, then run `npm start` again.');
    process.exit(result.status ?? 1);
  }
}
