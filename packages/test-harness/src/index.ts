export { createAdmin, runAdminCli, ADMIN_CLI, type CliResult } from './admin-cli.js';
export { authenticate } from './auth.js';
export {
  createTestDatabase,
  onMysqlServer,
  DB_KINDS,
  MYSQL_SERVER_URL,
  type DbKind,
  type TestDatabase,
} from './databases.js';
export { withEnv, type EnvOverrides } from './env.js';
export {
  HEARD_DB,
  freezes,
  frozenThroughout,
  meanVolumeDb,
  mediaDurationS,
  type Freeze,
  type Region,
} from './media-checks.js';
export { parseLogLines } from './log-lines.js';
export {
  REPO_ROOT,
  SERVER_MAIN,
  SERVER_ROOT,
  runServerToExit,
  startServer,
  type MinimeetServer,
  type StartOptions,
} from './minimeet-server.js';
export { freePort, randomRtcPortRange } from './ports.js';
export {
  launchServer,
  runToExit,
  spawnNode,
  type ExitResult,
  type LaunchOptions,
  type ServerProcess,
  type SpawnOptions,
} from './server-process.js';
export { waitFor } from './wait-for.js';
