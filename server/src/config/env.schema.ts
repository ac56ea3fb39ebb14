import path from 'node:path';
import { z } from 'zod';
import { authEnv, authSection } from './auth.js';
import { clusterSection } from './cluster.js';
import { dbEnv, dbSection, defaultDataDir } from './db.js';
import { dependenciesSection } from './dependencies.js';
import { embedSection } from './embed.js';
import { httpSection } from './http.js';
import { limitsSection } from './limits.js';
import { lobbySection } from './lobby.js';
import { mediaSection } from './media.js';
import { parseEnv, sectionsOf } from './parse-env.js';
import { recordingSection } from './recording.js';
import { redisSection } from './redis.js';
import { shutdownSection } from './shutdown.js';
import { storageSection } from './storage.js';
import { turnSection } from './turn.js';
import { webhooksSection } from './webhooks.js';

export { ConfigError } from './parse-env.js';
export type { DatabaseConfig } from './db.js';
export type { TurnConfig } from './turn.js';
export type { StorageTarget } from './storage.js';

/**
 * The application configuration: every section reads the environment (each declares its own
 * variables, defaults and cross-field checks in its file), composed into the shape the app uses.
 */
const appConfigSchema = sectionsOf({
  http: httpSection,
  db: dbSection,
  auth: authSection,
  redis: redisSection,
  media: mediaSection,
  turn: turnSection,
  cluster: clusterSection,
  limits: limitsSection,
  shutdown: shutdownSection,
  dependencies: dependenciesSection,
  storage: storageSection,
  webhooks: webhooksSection,
  embed: embedSection,
  lobby: lobbySection,
  recording: recordingSection,
}).transform(({ http, db, auth, redis, media, turn, cluster, limits, shutdown, dependencies, storage, webhooks, embed, lobby, recording }) => ({
  ...http,
  ...shutdown,
  ...db,
  ...auth,
  ...redis,
  ...limits,
  ...dependencies,
  media: { ...media, turn },
  cluster,
  storage: storage.target ?? { type: 'file' as const, dir: path.join(db.dataDir, 'storage') },
  attachments: storage.attachments,
  ffmpegPath: storage.ffmpegPath,
  ...webhooks,
  ...embed,
  ...lobby,
  recording: { ...recording.recording, dir: path.join(db.dataDir, 'recordings') },
}));

/** Validated, typed application configuration (from environment variables). */
export type AppConfig = z.output<typeof appConfigSchema>;

/** Parses and validates the environment; throws ConfigError with one line on the first problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return parseEnv(appConfigSchema, env);
}

/**
 * What `npm run admin` needs: the database, the reserved admin names, and the JWT secret (or the
 * data dir holding the generated one) that API key secrets are encrypted with.
 */
const adminCliSchema = z
  .object({
    DATABASE_URL: dbEnv.shape.DATABASE_URL,
    DATA_DIR: dbEnv.shape.DATA_DIR,
    ADMIN_USERNAMES: authEnv.shape.ADMIN_USERNAMES,
    JWT_SECRET: authEnv.shape.JWT_SECRET,
  })
  .transform((e) => ({
    database: e.DATABASE_URL,
    adminUsernames: e.ADMIN_USERNAMES,
    jwtSecret: e.JWT_SECRET,
    dataDir: path.resolve(e.DATA_DIR ?? defaultDataDir(e.DATABASE_URL)),
  }));

export function loadAdminCliConfig(
  env: NodeJS.ProcessEnv = process.env,
): Pick<AppConfig, 'database' | 'adminUsernames' | 'jwtSecret' | 'dataDir'> {
  return parseEnv(adminCliSchema, env);
}
