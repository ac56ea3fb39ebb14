/** What a bot run is asked to do, its defaults, and their validation (shared by the CLI and the library). */
import { ROOM_MAX_PARTICIPANTS_CEILING, USERNAME_MAX } from '@minimeet/shared';

export interface BotRunOptions {
  url: string;
  rooms: number;
  peers: number;
  /**
   * Light receive-only bots per room (default 0): ICE + DTLS, RTP headers counted without
   * decrypting (@minimeet/webrtc-peer LightReceiver). They consume every bot's producers and
   * send nothing; `peers` stay the (full werift) senders.
   */
  lightReceivers?: number;
  /**
   * The server's AUDIO_LOUDEST_K (default 3): each receiver gets the K loudest microphones, so
   * that many audio streams (of any senders) are expected per receiver, not one per sender.
   */
  audioLoudestK?: number;
  /** Seconds of steady load after the last bot has joined (the ramp comes before). */
  durationSec: number;
  audioOnly?: boolean;
  /** Refused with a clear error: werift sends one RTP stream per sender (see README). */
  simulcast?: boolean;
  /** Bots started per second (default 5). */
  rampPerSec?: number;
  /**
   * Log every bot in before the first one joins (default false: each bot logs in on its ramp
   * slot). Password hashing is deliberately slow; this keeps a login storm off the server
   * while the join and media figures are measured.
   */
  loginFirst?: boolean;
  /** Chat messages per second per bot (default 0 = no chat). */
  chatPerSec?: number;
  /** Prefix for usernames/room names so runs can reuse or separate users (default 'bot'). */
  namePrefix?: string;
  password?: string;
  /** Admin credentials for server-side figures via GET /api/admin/stats; else /api/health is sampled. */
  adminUsername?: string;
  adminPassword?: string;
  /** Live terminal progress (default true for CLI, false when used as a library). */
  progress?: boolean;
  /** How many bot processes to spread the bots over (default 2, at most one per room; rooms are never split). */
  processes?: number;
  signal?: AbortSignal;
  /** Receives warnings (rate limits, fallbacks) as they are found; default: collected only. */
  onWarning?: (message: string) => void;
}

export type ResolvedOptions = Required<
  Omit<BotRunOptions, 'signal' | 'adminUsername' | 'adminPassword' | 'onWarning'>
> &
  Pick<BotRunOptions, 'signal' | 'adminUsername' | 'adminPassword' | 'onWarning'>;

export const DEFAULTS = {
  url: 'http://127.0.0.1:3000',
  rooms: 2,
  peers: 2,
  durationSec: 30,
  rampPerSec: 5,
  chatPerSec: 0,
  namePrefix: 'bot',
  password: 'minimeet-bot-pw',
  processes: 2,
} as const;

/** Server defaults (server/src/config/env.schema.ts) the bots can run into. */
export const SERVER_CHAT_DEFAULT = { messages: 30, windowMs: 10_000 } as const;

export class BotOptionsError extends Error {
  override name = 'BotOptionsError';
}

const PREFIX_PATTERN = /^[A-Za-z0-9_.-]{1,16}$/;

/** Applies defaults and refuses what cannot run (thrown as BotOptionsError with one clear line). */
export function resolveOptions(o: BotRunOptions): ResolvedOptions {
  const r: ResolvedOptions = {
    url: (o.url || DEFAULTS.url).replace(/\/+$/, ''),
    rooms: o.rooms ?? DEFAULTS.rooms,
    peers: o.peers ?? DEFAULTS.peers,
    lightReceivers: o.lightReceivers ?? 0,
    audioLoudestK: o.audioLoudestK ?? 3,
    durationSec: o.durationSec ?? DEFAULTS.durationSec,
    audioOnly: o.audioOnly ?? false,
    simulcast: o.simulcast ?? false,
    rampPerSec: o.rampPerSec ?? DEFAULTS.rampPerSec,
    loginFirst: o.loginFirst ?? false,
    chatPerSec: o.chatPerSec ?? DEFAULTS.chatPerSec,
    namePrefix: o.namePrefix ?? DEFAULTS.namePrefix,
    password: o.password ?? DEFAULTS.password,
    progress: o.progress ?? false,
    processes: o.processes ?? DEFAULTS.processes,
    adminUsername: o.adminUsername,
    adminPassword: o.adminPassword,
    signal: o.signal,
    onWarning: o.onWarning,
  };
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max)
      throw new BotOptionsError(`${name} must be an integer from ${min} to ${max} (got ${v})`);
  };
  const positive = (name: string, v: number, min: number, max: number) => {
    if (!Number.isFinite(v) || v < min || v > max)
      throw new BotOptionsError(`${name} must be a number from ${min} to ${max} (got ${v})`);
  };
  try {
    const u = new URL(r.url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('scheme');
  } catch {
    throw new BotOptionsError(`url must be an http(s) URL such as ${DEFAULTS.url} (got "${r.url}")`);
  }
  int('rooms', r.rooms, 1, 500);
  // One bot alone receives nothing to measure. Whether the room holds them all is the room's
  // own maxParticipants (up to the server's ROOM_MAX_PARTICIPANTS_LIMIT): ensureRooms checks it.
  int('peers', r.peers, 2, ROOM_MAX_PARTICIPANTS_CEILING);
  // Light receivers share the room with the peers.
  int('light-receivers', r.lightReceivers, 0, ROOM_MAX_PARTICIPANTS_CEILING - r.peers);
  int('audio-k', r.audioLoudestK, 1, 16);
  positive('duration', r.durationSec, 1, 24 * 3600);
  positive('ramp', r.rampPerSec, 0.1, 1000);
  positive('chat', r.chatPerSec, 0, 100);
  int('processes', r.processes, 1, 64);
  if (!PREFIX_PATTERN.test(r.namePrefix))
    throw new BotOptionsError(`prefix must be 1-16 of [A-Za-z0-9_.-] (got "${r.namePrefix}")`);
  // Usernames are `${prefix}_r${room}_p${peer}`: keep them within the server's limit.
  const longest = `${r.namePrefix}_r${r.rooms}_${r.lightReceivers ? 'l' : 'p'}${Math.max(r.peers, r.lightReceivers)}`;
  if (longest.length > USERNAME_MAX)
    throw new BotOptionsError(
      `prefix too long: usernames like "${longest}" exceed ${USERNAME_MAX} characters`,
    );
  if (r.password.length < 8) throw new BotOptionsError('password must be at least 8 characters');
  if (r.simulcast)
    throw new BotOptionsError(
      '--simulcast is not supported: the Node peer (werift 0.25) sends one RTP stream per sender, so it ' +
        'cannot offer several rid layers of one track; run without --simulcast (see scripts/bots/README.md)',
    );
  return r;
}

/** Warnings known before anything runs (limits of the server's default configuration). */
export function upfrontWarnings(r: ResolvedOptions): string[] {
  const out: string[] = [];
  const serverRate = (SERVER_CHAT_DEFAULT.messages * 1000) / SERVER_CHAT_DEFAULT.windowMs;
  if (r.chatPerSec > serverRate)
    out.push(
      `--chat ${r.chatPerSec}/s exceeds the server's default chat limit of ${SERVER_CHAT_DEFAULT.messages} messages per ` +
        `${SERVER_CHAT_DEFAULT.windowMs / 1000} s per user (${serverRate}/s): unless the server runs with a higher ` +
        'CHAT_RATE_LIMIT/CHAT_RATE_WINDOW_MS, messages will be refused (counted as chat.refused, not as lost)',
    );
  return out;
}

/** The usernames and room names a run uses (stable, so a second run reuses them). */
export function botUsername(prefix: string, room: number, peer: number): string {
  return `${prefix}_r${room}_p${peer}`;
}

/** A light receiver's username (distinct from the peers', so both can share a room). */
export function lightBotUsername(prefix: string, room: number, receiver: number): string {
  return `${prefix}_r${room}_l${receiver}`;
}

export function roomName(prefix: string, room: number): string {
  return `${prefix}-room-${room}`;
}
