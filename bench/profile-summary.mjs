// Lists the functions of a V8 CPU profile (`node --cpu-prof`, or `npm run bench -- --cpu-prof DIR`)
// by self time: the time the sampled stack had that function on top.
// Usage: node bench/profile-summary.mjs FILE.cpuprofile [ROWS]
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [file, rowsArgument = '30'] = process.argv.slice(2);
if (!file) {
  console.error('missing FILE: usage: node bench/profile-summary.mjs FILE.cpuprofile [ROWS]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));

/** Names a profile node by function, file and line, so one function's nodes add up. */
function label({ callFrame }) {
  const name = callFrame.functionName || '(anonymous)';
  if (!callFrame.url) return name;
  const parts = callFrame.url.split('/');
  const where = path.join(...parts.slice(-2));

  return `${name} ${where}:${callFrame.lineNumber + 1}`;
}

const selfMicros = new Map();
let totalMicros = 0;
profile.samples.forEach((nodeId, index) => {
  const micros = profile.timeDeltas[index] ?? 0;
  const key = label(nodes.get(nodeId));
  selfMicros.set(key, (selfMicros.get(key) ?? 0) + micros);
  totalMicros += micros;
});

const rows = [...selfMicros]
  .sort((left, right) => right[1] - left[1])
  .slice(0, Number(rowsArgument));
console.log(`${(totalMicros / 1e6).toFixed(1)} s sampled in ${file}`);
for (const [key, micros] of rows) {
  const ms = (micros / 1000).toFixed(0).padStart(7);
  const share = ((100 * micros) / totalMicros).toFixed(1).padStart(5);
  console.log(`${ms} ms ${share} %  ${key}`);
}
