// Runs one scenario in a process of its own, so its memory figures start from a fresh heap and
// no scenario inherits another's garbage. run.mjs forks this file and receives the result.
import { benchBacklog, benchDrain, benchSteady } from './delivery.mjs';
import { benchHashing } from './hashing.mjs';
import { benchImport, benchStatistics } from './import-and-stats.mjs';
import { simulatorClient } from './support.mjs';

const SCENARIOS = {
  hashing: (_simulator, options) => benchHashing(options),
  drain: benchDrain,
  steady: benchSteady,
  backlog: benchBacklog,
  import: (_simulator, options) => benchImport(options),
  statistics: (_simulator, options) => benchStatistics(options),
};

const { name, options, simulatorUrl } = JSON.parse(process.argv[2]);
const scenario = SCENARIOS[name];
if (!scenario)
  throw new Error(`unknown scenario "${name}"; expected one of ${Object.keys(SCENARIOS)}`);
const result = await scenario(simulatorClient(simulatorUrl), options);
process.send(result, () => process.exit(0));
