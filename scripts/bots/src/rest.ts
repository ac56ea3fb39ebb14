/**
 * The REST calls a bot run makes: POST /api/auth/login (then /register for a new user), and
 * GET/POST /api/rooms to reuse or create rooms by name. The auth routes are rate limited per
 * address (AUTH_RATE_LIMIT per minute): a 429 is waited out (Retry-After) and the wait reported.
 */
import {
  ROOM_DEFAULT_PARTICIPANTS,
  type AuthResponse,
  type RoomDto,
  type RoomLimitsDto,
} from '@minimeet/shared';

export class RestError extends Error {
  override name = 'RestError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface LoginResult {
  auth: AuthResponse;
  /** Request time, throttle waits excluded. */
  ms: number;
  throttledMs: number;
  registered: boolean;
  /** The auth route's per-minute limit as announced in rate-limit headers (null if none). */
  rateLimit: number | null;
}

/** Longest total wait on auth throttling before a bot gives up. */
const MAX_THROTTLE_WAIT_MS = 120_000;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

async function errorText(res: Response): Promise<string> {
  const body = await res.text().catch(() => '');
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    if (parsed.error) return `${parsed.error.code ?? res.status} ${parsed.error.message ?? ''}`.trim();
  } catch {
    // not JSON: show the start of the text
  }
  return `${res.status} ${body.slice(0, 200)}`;
}

/** Logs in, registering the user when the server does not know it. */
export async function loginOrRegister(
  url: string,
  username: string,
  password: string,
  signal?: AbortSignal,
): Promise<LoginResult> {
  let ms = 0;
  let throttledMs = 0;
  const post = async (path: 'login' | 'register'): Promise<Response> => {
    for (;;) {
      const t0 = performance.now();
      const res = await fetch(`${url}/api/auth/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
        signal: signal ?? AbortSignal.timeout(15_000),
      });
      ms += performance.now() - t0;
      if (res.status !== 429) return res;
      await res.body?.cancel();
      // NestJS's throttler names the header after the limit ("Retry-After-auth").
      let retryAfter = NaN;
      for (const [k, v] of res.headers) if (/^retry-after/i.test(k)) retryAfter = Number(v);
      const wait = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 5000;
      if (throttledMs + wait > MAX_THROTTLE_WAIT_MS || signal?.aborted)
        throw new RestError(
          `auth ${path}: still rate limited (429) after ${Math.round(throttledMs / 1000)} s`,
          429,
        );
      throttledMs += wait;
      await sleep(wait, signal);
    }
  };
  let res = await post('login');
  let registered = false;
  if (res.status === 401) {
    await res.body?.cancel();
    res = await post('register');
    registered = true;
    if (res.status === 409)
      throw new RestError(
        `user "${username}" exists with another password (use --prefix to choose other users, or --password)`,
        409,
      );
  }
  if (!res.ok)
    throw new RestError(`auth ${registered ? 'register' : 'login'}: ${await errorText(res)}`, res.status);
  let rateLimit: number | null = null;
  for (const [k, v] of res.headers) if (/^x-ratelimit-limit/i.test(k) && Number(v) > 0) rateLimit = Number(v);
  return { auth: (await res.json()) as AuthResponse, ms: Math.round(ms), throttledMs, registered, rateLimit };
}

/** Returns the rooms with these names, creating the missing ones (owned by the token's user). */
export async function ensureRooms(
  url: string,
  token: string,
  names: string[],
  peers: number,
): Promise<RoomDto[]> {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  // Room for the bots plus a few people watching; never above the server's limit.
  const limitsRes = await fetch(`${url}/api/rooms/limits`, { headers, signal: AbortSignal.timeout(15_000) });
  if (!limitsRes.ok) throw new RestError(`GET /api/rooms/limits: ${await errorText(limitsRes)}`, limitsRes.status);
  const limit = ((await limitsRes.json()) as RoomLimitsDto).maxParticipants;
  if (peers > limit)
    throw new RestError(`${peers} bots do not fit in one room: the server allows ${limit} (ROOM_MAX_PARTICIPANTS_LIMIT)`, 400);
  const maxParticipants = Math.min(limit, Math.max(peers, ROOM_DEFAULT_PARTICIPANTS));
  const listRes = await fetch(`${url}/api/rooms`, { headers, signal: AbortSignal.timeout(15_000) });
  if (!listRes.ok) throw new RestError(`GET /api/rooms: ${await errorText(listRes)}`, listRes.status);
  const byName = new Map(((await listRes.json()) as RoomDto[]).map((r) => [r.name, r]));
  const out: RoomDto[] = [];
  for (const name of names) {
    let room = byName.get(name);
    if (!room) {
      const res = await fetch(`${url}/api/rooms`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name, maxParticipants }),
        signal: AbortSignal.timeout(15_000),
      });
      if (!res.ok) throw new RestError(`POST /api/rooms "${name}": ${await errorText(res)}`, res.status);
      room = (await res.json()) as RoomDto;
    }
    if (room.maxParticipants < peers)
      throw new RestError(
        `room "${name}" exists with maxParticipants ${room.maxParticipants} < ${peers} bots; use another --prefix`,
        409,
      );
    out.push(room);
  }
  return out;
}
