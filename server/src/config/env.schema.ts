import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/** Validated, typed application configuration (from environment variables). */
export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  database: DatabaseConfig;
  /**
   * From JWT_SECRET; undefined means "generate one and keep it in dataDir" (main.ts does that
   * before the app starts, see auth/jwt-secret-store.ts), so no known secret ever signs tokens.
   */
  jwtSecret: string | undefined;
  /** Where the server keeps files of its own (the generated JWT secret). */
  dataDir: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Accounts promoted to admin at start (existing ones only); these names cannot be registered. */
  adminUsernames: string[];
  redisUrl: string | undefined;
  presenceGraceMs: number;
  /** Namespaces Redis keys and adapter channels, so deployments (or test runs) can share a Redis. */
  redisKeyPrefix: string;
  rateLimits: RateLimitConfig;
  media: MediaConfig;
  clientDistDir: string | undefined;
  /** How often the admin stats snapshot (GET /api/admin/stats, admin:stats, /metrics gauges) is taken. */
  adminStatsIntervalMs: number;
  /** When set, GET /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  roomCaps: RoomCapsConfig;
  cluster: ClusterConfig;
  /** Reverse-proxy hops in front of the server whose X-Forwarded-For is trusted (0: none). */
  trustProxy: number;
}

/** Several nodes sharing rooms (meaningful with REDIS_URL; see server/src/cluster). */
export interface ClusterConfig {
  /** Stable per node (a restarted node sweeps what its previous run left behind). */
  nodeId: string;
  /** A node that has not heart-beaten for this long is dead. */
  nodeTtlMs: number;
  /** How long a request to another node may take. */
  requestTimeoutMs: number;
  pipe: {
    /** Local IP the pipe transports to other nodes bind to. */
    listenIp: string;
    /** Address other nodes send pipe media to (defaults: MEDIASOUP_ANNOUNCED_ADDRESS, then listenIp). */
    announcedAddress: string | undefined;
    minPort: number;
    maxPort: number;
  };
}

export interface RoomCapsConfig {
  /** Rooms one user may create per rolling hour (counted from the rooms table). */
  createPerHour: number;
  /** Rooms one socket may be in at once. */
  maxPerSocket: number;
}

export type DatabaseConfig = { type: 'sqlite'; path: string } | { type: 'mysql'; url: string };

export interface RateLimitConfig {
  /** Requests per minute per client IP on the auth routes (register, login). */
  authPerMinute: number;
  /** Messages per window per user on sendMessage. */
  chatMessages: number;
  chatWindowMs: number;
  /** REST requests per minute per client IP (all of /api except health). */
  restPerMinute: number;
  /** Socket events per second per socket (token-bucket refill) and the bucket size. */
  socketEventsPerSecond: number;
  socketEventBurst: number;
}

export interface MediaConfig {
  workerCount: number;
  listenIp: string;
  announcedAddress: string | undefined;
  rtcMinPort: number;
  rtcMaxPort: number;
  logLevel: 'debug' | 'warn' | 'error' | 'none';
  /** Cap (bps) on what one client sends into one WebRtcTransport. */
  maxIncomingBitrate: number;
  /** Sockets of one user that may hold media in one room at once. */
  maxSocketsPerUserRoom: number;
  /**
   * Worker load (routers + consumers) at which a room's new peers spill onto another worker
   * (a new router of the room there, joined to the others by pipeToRouter).
   */
  routerSpillLoad: number;
  turn: TurnConfig;
}

/** TURN servers handed to clients with each transport (see media/ice-servers.ts). */
export interface TurnConfig {
  /** turn:/turns: URLs; empty = no TURN. */
  urls: string[];
  /** coturn `use-auth-secret` shared secret: time-limited credentials per user. */
  secret: string | undefined;
  /** Static long-term credentials (when there is no secret). */
  username: string | undefined;
  password: string | undefined;
  credentialTtlSeconds: number;
  /** `relay` makes clients use only relayed candidates (testing restrictive networks). */
  iceTransportPolicy: 'all' | 'relay';
}

/** Thrown with a one-line, human readable message naming the variable at fault. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const port = (name: string, def: number) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(1, `${name} must be between 1 and 65535`)
    .max(65535, `${name} must be between 1 and 65535`)
    .default(def);

const positiveInt = (name: string, def: number) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(1, `${name} must be at least 1`)
    .default(def);

const intInRange = (name: string, def: number, min: number, max: number) =>
  z.coerce
    .number({ message: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(min, `${name} must be between ${min} and ${max}`)
    .max(max, `${name} must be between ${min} and ${max}`)
    .default(def);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port('PORT', 3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.string().default('sqlite:./data/minimeet.sqlite'),
  JWT_SECRET: z.string().optional(),
  DATA_DIR: z.string().optional(),
  // Capped so a socket's expiry timer fits setTimeout and a leaked token dies within a day.
  ACCESS_TOKEN_TTL_SECONDS: intInRange('ACCESS_TOKEN_TTL_SECONDS', 900, 1, 86_400),
  REFRESH_TOKEN_TTL_SECONDS: intInRange('REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 60, 365 * 86_400),
  ADMIN_USERNAMES: z.string().default(''),
  REDIS_URL: z.string().optional(),
  PRESENCE_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'REDIS_KEY_PREFIX must be 1-64 of [A-Za-z0-9_.:-]')
    .default('minimeet'),
  AUTH_RATE_LIMIT: positiveInt('AUTH_RATE_LIMIT', 20),
  CHAT_RATE_LIMIT: positiveInt('CHAT_RATE_LIMIT', 30),
  CHAT_RATE_WINDOW_MS: positiveInt('CHAT_RATE_WINDOW_MS', 10_000),
  REST_RATE_LIMIT: positiveInt('REST_RATE_LIMIT', 600),
  SOCKET_EVENTS_PER_SECOND: intInRange('SOCKET_EVENTS_PER_SECOND', 50, 1, 10_000),
  SOCKET_EVENT_BURST: intInRange('SOCKET_EVENT_BURST', 200, 1, 100_000),
  TRUST_PROXY: intInRange('TRUST_PROXY', 0, 0, 10),
  MAX_SOCKETS_PER_USER_ROOM: intInRange('MAX_SOCKETS_PER_USER_ROOM', 3, 1, 100),
  MEDIA_MAX_INCOMING_BITRATE: intInRange('MEDIA_MAX_INCOMING_BITRATE', 5_000_000, 100_000, 100_000_000),
  MEDIASOUP_WORKERS: positiveInt('MEDIASOUP_WORKERS', os.availableParallelism()),
  MEDIA_ROUTER_SPILL_LOAD: intInRange('MEDIA_ROUTER_SPILL_LOAD', 400, 1, 1_000_000),
  MEDIASOUP_LISTEN_IP: z
    .ipv4({ message: 'MEDIASOUP_LISTEN_IP must be an IPv4 address' })
    .or(z.ipv6())
    .default('0.0.0.0'),
  MEDIASOUP_ANNOUNCED_ADDRESS: z.string().optional(),
  MEDIASOUP_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  RTC_MIN_PORT: port('RTC_MIN_PORT', 40000),
  RTC_MAX_PORT: port('RTC_MAX_PORT', 40099),
  CLUSTER_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'CLUSTER_NODE_ID must be 1-64 of [A-Za-z0-9_.-]')
    .optional(),
  CLUSTER_NODE_TTL_MS: intInRange('CLUSTER_NODE_TTL_MS', 10_000, 3000, 60_000),
  CLUSTER_REQUEST_TIMEOUT_MS: intInRange('CLUSTER_REQUEST_TIMEOUT_MS', 5000, 200, 60_000),
  CLUSTER_PIPE_LISTEN_IP: z
    .ipv4({ message: 'CLUSTER_PIPE_LISTEN_IP must be an IPv4 address' })
    .or(z.ipv6())
    .optional(),
  CLUSTER_PIPE_ANNOUNCED_ADDRESS: z.string().optional(),
  CLUSTER_PIPE_MIN_PORT: port('CLUSTER_PIPE_MIN_PORT', 40100),
  CLUSTER_PIPE_MAX_PORT: port('CLUSTER_PIPE_MAX_PORT', 40999),
  CLIENT_DIST_DIR: z.string().optional(),
  ADMIN_STATS_INTERVAL_MS: z.coerce
    .number({ message: 'ADMIN_STATS_INTERVAL_MS must be a number' })
    .int('ADMIN_STATS_INTERVAL_MS must be an integer')
    .min(100, 'ADMIN_STATS_INTERVAL_MS must be between 100 and 60000')
    .max(60_000, 'ADMIN_STATS_INTERVAL_MS must be between 100 and 60000')
    .default(2000),
  METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, 'METRICS_TOKEN must be 16-256 printable characters without spaces')
    .optional(),
  TURN_URLS: z.string().default(''),
  TURN_SECRET: z.string().optional(),
  TURN_USERNAME: z.string().optional(),
  TURN_PASSWORD: z.string().optional(),
  // At least a minute (clients need time to allocate); at most a day, so a leaked one dies.
  TURN_CREDENTIAL_TTL_SECONDS: intInRange('TURN_CREDENTIAL_TTL_SECONDS', 3600, 60, 86_400),
  ICE_TRANSPORT_POLICY: z
    .enum(['all', 'relay'], { message: 'ICE_TRANSPORT_POLICY must be "all" or "relay"' })
    .default('all'),
  ROOM_CREATE_PER_HOUR: positiveInt('ROOM_CREATE_PER_HOUR', 20),
  MAX_ROOMS_PER_SOCKET: positiveInt('MAX_ROOMS_PER_SOCKET', 4),
});

function parseDatabaseUrl(raw: string): DatabaseConfig {
  if (raw.startsWith('sqlite:')) {
    const file = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!file)
      throw new ConfigError('DATABASE_URL: sqlite URL needs a file path, e.g. sqlite:./data/minimeet.sqlite');
    return { type: 'sqlite', path: file };
  }
  if (/^(mysql|mariadb):\/\//.test(raw)) {
    try {
      const url = new URL(raw);
      if (!url.hostname || url.pathname.length <= 1) throw new Error('no host or database');
    } catch {
      throw new ConfigError('DATABASE_URL: not a valid mysql URL (expected mysql://user:pass@host:3306/db)');
    }
    return { type: 'mysql', url: raw.replace(/^mariadb:/, 'mysql:') };
  }
  throw new ConfigError(
    `DATABASE_URL: unsupported value "${raw.slice(0, 60)}" (expected sqlite:<file> or mysql://user:pass@host:port/db)`,
  );
}

/** Validates `env` against `schema`; throws ConfigError naming the first bad variable. */
function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  // An empty variable (e.g. copied from .env.example) means "use the default".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const value = env[name];
    throw new ConfigError(
      `${name}: ${issue.message}${value === undefined ? '' : ` (got "${String(value).slice(0, 60)}")`}`,
    );
  }
  return parsed.data;
}

/** What `npm run admin` needs: the database and the reserved admin names, nothing a server needs. */
export function loadAdminCliConfig(
  env: NodeJS.ProcessEnv = process.env,
): Pick<AppConfig, 'database' | 'adminUsernames'> {
  const e = parseEnv(envSchema.pick({ DATABASE_URL: true, ADMIN_USERNAMES: true }), env);
  return {
    database: parseDatabaseUrl(e.DATABASE_URL),
    adminUsernames: parseAdminUsernames(e.ADMIN_USERNAMES),
  };
}

function parseAdminUsernames(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

const TURN_URL = /^turns?:[^\s?]+(\?transport=(udp|tcp))?$/;

function parseTurnConfig(e: {
  TURN_URLS: string;
  TURN_SECRET?: string | undefined;
  TURN_USERNAME?: string | undefined;
  TURN_PASSWORD?: string | undefined;
  TURN_CREDENTIAL_TTL_SECONDS: number;
  ICE_TRANSPORT_POLICY: 'all' | 'relay';
}): TurnConfig {
  const urls = e.TURN_URLS.split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const bad = urls.find((u) => !TURN_URL.test(u));
  if (bad)
    throw new ConfigError(
      `TURN_URLS: "${bad.slice(0, 60)}" is not a turn: or turns: URL (e.g. turn:turn.example.com:3478?transport=udp)`,
    );
  const hasStatic = !!e.TURN_USERNAME || !!e.TURN_PASSWORD;
  if (urls.length) {
    if (e.TURN_SECRET && hasStatic)
      throw new ConfigError('TURN_SECRET: set either TURN_SECRET or TURN_USERNAME/TURN_PASSWORD, not both');
    if (!e.TURN_SECRET && !(e.TURN_USERNAME && e.TURN_PASSWORD))
      throw new ConfigError('TURN_URLS: needs TURN_SECRET, or both TURN_USERNAME and TURN_PASSWORD');
  } else if (e.TURN_SECRET || hasStatic) {
    throw new ConfigError('TURN_URLS: required when TURN_SECRET or TURN_USERNAME/TURN_PASSWORD is set');
  }
  if (e.ICE_TRANSPORT_POLICY === 'relay' && !urls.length)
    throw new ConfigError('ICE_TRANSPORT_POLICY: "relay" needs TURN_URLS (clients would have no candidate)');
  return {
    urls,
    secret: e.TURN_SECRET || undefined,
    username: e.TURN_USERNAME || undefined,
    password: e.TURN_PASSWORD || undefined,
    credentialTtlSeconds: e.TURN_CREDENTIAL_TTL_SECONDS,
    iceTransportPolicy: e.ICE_TRANSPORT_POLICY,
  };
}

/** Next to the SQLite file (each database its own secret), else ./data. */
function defaultDataDir(db: DatabaseConfig): string {
  return db.type === 'sqlite' && db.path !== ':memory:' ? path.dirname(db.path) : './data';
}

/** Parses and validates the environment; throws ConfigError with one line on the first problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const e = parseEnv(envSchema, env);
  if (e.RTC_MIN_PORT > e.RTC_MAX_PORT) {
    throw new ConfigError(`RTC_MIN_PORT/RTC_MAX_PORT: inverted range ${e.RTC_MIN_PORT} > ${e.RTC_MAX_PORT}`);
  }
  // One WebRtcServer per worker takes one port from the range.
  if (e.RTC_MAX_PORT - e.RTC_MIN_PORT + 1 < e.MEDIASOUP_WORKERS) {
    throw new ConfigError(
      `RTC_MIN_PORT/RTC_MAX_PORT: range ${e.RTC_MIN_PORT}-${e.RTC_MAX_PORT} has fewer ports than MEDIASOUP_WORKERS (${e.MEDIASOUP_WORKERS})`,
    );
  }
  const jwtSecret = e.JWT_SECRET;
  if (!jwtSecret) {
    if (e.NODE_ENV === 'production') throw new ConfigError('JWT_SECRET: required when NODE_ENV=production');
  } else if (e.NODE_ENV === 'production' && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET: must be at least 32 characters when NODE_ENV=production');
  }
  if (e.REFRESH_TOKEN_TTL_SECONDS <= e.ACCESS_TOKEN_TTL_SECONDS) {
    throw new ConfigError(
      `REFRESH_TOKEN_TTL_SECONDS: must be longer than ACCESS_TOKEN_TTL_SECONDS (${e.REFRESH_TOKEN_TTL_SECONDS} <= ${e.ACCESS_TOKEN_TTL_SECONDS})`,
    );
  }
  if (e.CLUSTER_PIPE_MIN_PORT > e.CLUSTER_PIPE_MAX_PORT) {
    throw new ConfigError(
      `CLUSTER_PIPE_MIN_PORT/CLUSTER_PIPE_MAX_PORT: inverted range ${e.CLUSTER_PIPE_MIN_PORT} > ${e.CLUSTER_PIPE_MAX_PORT}`,
    );
  }
  const database = parseDatabaseUrl(e.DATABASE_URL);
  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    database,
    jwtSecret,
    dataDir: path.resolve(e.DATA_DIR ?? defaultDataDir(database)),
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    adminUsernames: parseAdminUsernames(e.ADMIN_USERNAMES),
    redisUrl: e.REDIS_URL || undefined,
    presenceGraceMs: e.PRESENCE_GRACE_MS,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    rateLimits: {
      authPerMinute: e.AUTH_RATE_LIMIT,
      chatMessages: e.CHAT_RATE_LIMIT,
      chatWindowMs: e.CHAT_RATE_WINDOW_MS,
      restPerMinute: e.REST_RATE_LIMIT,
      socketEventsPerSecond: e.SOCKET_EVENTS_PER_SECOND,
      socketEventBurst: e.SOCKET_EVENT_BURST,
    },
    media: {
      workerCount: e.MEDIASOUP_WORKERS,
      listenIp: e.MEDIASOUP_LISTEN_IP,
      announcedAddress: e.MEDIASOUP_ANNOUNCED_ADDRESS || undefined,
      rtcMinPort: e.RTC_MIN_PORT,
      rtcMaxPort: e.RTC_MAX_PORT,
      logLevel: e.MEDIASOUP_LOG_LEVEL,
      maxIncomingBitrate: e.MEDIA_MAX_INCOMING_BITRATE,
      maxSocketsPerUserRoom: e.MAX_SOCKETS_PER_USER_ROOM,
      routerSpillLoad: e.MEDIA_ROUTER_SPILL_LOAD,
      turn: parseTurnConfig(e),
    },
    clientDistDir: e.CLIENT_DIST_DIR || undefined,
    adminStatsIntervalMs: e.ADMIN_STATS_INTERVAL_MS,
    metricsToken: e.METRICS_TOKEN || undefined,
    roomCaps: {
      createPerHour: e.ROOM_CREATE_PER_HOUR,
      maxPerSocket: e.MAX_ROOMS_PER_SOCKET,
    },
    trustProxy: e.TRUST_PROXY,
    cluster: {
      nodeId: e.CLUSTER_NODE_ID ?? defaultNodeId(e.PORT),
      nodeTtlMs: e.CLUSTER_NODE_TTL_MS,
      requestTimeoutMs: e.CLUSTER_REQUEST_TIMEOUT_MS,
      pipe: {
        listenIp: e.CLUSTER_PIPE_LISTEN_IP ?? e.MEDIASOUP_LISTEN_IP,
        announcedAddress: e.CLUSTER_PIPE_ANNOUNCED_ADDRESS || e.MEDIASOUP_ANNOUNCED_ADDRESS || undefined,
        minPort: e.CLUSTER_PIPE_MIN_PORT,
        maxPort: e.CLUSTER_PIPE_MAX_PORT,
      },
    },
  };
}

/** Host name and port: stable across restarts of the same service, distinct per replica. */
function defaultNodeId(port: number): string {
  const host = os.hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 56) || 'node';
  return `${host}-${port}`;
}
