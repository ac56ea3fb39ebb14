/**
 * Issue 18: caps on connections. One token could open thousands of sockets, multiplying every
 * per-socket limit, and handshakes were not throttled. Now: concurrent sockets per user and per
 * client address (shared across processes through Redis, freed when a node dies), handshakes
 * per minute per address, and an event budget per user over all their sockets.
 */
import { randomBytes } from 'node:crypto';
import {
  ErrorCode,
  socketHandshakeAuth,
  type Ack,
  type AuthResponse,
  type ConnectionRefusedData,
} from '@minimeet/shared';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from '../helpers/redis-keys.js';
import {
  closeAllSockets,
  connect,
  rawRequest,
  registerUser,
  type ClientSocket,
} from '../helpers/chat-client.js';
import { chatEnv } from '../helpers/chat-server.js';
import {
  createTestDatabase,
  DB_KINDS,
  startServer,
  waitFor,
  type ServerProcess,
  type TestDatabase,
} from '@minimeet/test-harness';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

type Refusal = Error & { data?: ConnectionRefusedData };

/** The connect_error of a handshake that must be refused. */
async function refusedConnect(url: string, token: string | undefined): Promise<Refusal> {
  try {
    await connect(url, token);
  } catch (err) {
    return err as Refusal;
  }
  throw new Error('connection was admitted');
}

/** A handshake that presents an X-Forwarded-For header (as a proxy would); resolves its outcome. */
function connectVia(url: string, token: string, forwardedFor: string): Promise<'ok' | Refusal> {
  const socket = io(url, {
    auth: socketHandshakeAuth(token),
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { 'x-forwarded-for': forwardedFor },
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.close();
      resolve('ok');
    });
    socket.once('connect_error', (err) => {
      socket.close();
      resolve(err as Refusal);
    });
  });
}

function codes(acks: Ack<unknown>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of acks) {
    const key = a.ok ? 'ok' : a.error.code;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

describe.each(DB_KINDS)('socket caps per user and per address (%s)', (kind) => {
  const PER_USER = 3;
  const PER_IP = 6;
  const EVENTS_PER_SECOND = 10;
  let db: TestDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    server = await startServer({
      env: chatEnv({
        DATABASE_URL: db.url,
        MAX_SOCKETS_PER_USER: String(PER_USER),
        MAX_SOCKETS_PER_IP: String(PER_IP),
        SOCKET_EVENTS_PER_SECOND: String(EVENTS_PER_SECOND),
        SOCKET_EVENT_BURST: String(EVENTS_PER_SECOND * 4),
        SOCKET_USER_EVENTS_PER_SECOND: String(EVENTS_PER_SECOND),
      }),
    });
  });
  afterAll(async () => {
    closeAllSockets();
    await server?.stop();
    await db?.drop();
  });
  afterEach(async () => {
    closeAllSockets();
    // The server frees the closed sockets' slots as it sees them go: wait until the address has room.
    const probeUser = await registerUser(server.url, 'probe');
    await waitFor(async () => {
      try {
        await Promise.all(Array.from({ length: PER_USER }, () => connect(server.url, probeUser.accessToken)));
        return true;
      } finally {
        closeAllSockets();
      }
    }, 10_000);
    closeAllSockets();
  });

  it(`a user's socket past ${PER_USER} is refused with LIMIT_EXCEEDED; closing one frees its slot`, async () => {
    const user = await registerUser(server.url, 'capuser');
    const sockets = await Promise.all(
      Array.from({ length: PER_USER }, () => connect(server.url, user.accessToken)),
    );
    const refused = await refusedConnect(server.url, user.accessToken);
    expect(refused.message).toBe(ErrorCode.LIMIT_EXCEEDED);
    expect(refused.data).toMatchObject({ code: ErrorCode.LIMIT_EXCEEDED, limit: 'user' });
    expect(refused.data?.message).toMatch(/too many open connections for this account/i);
    expect(refused.data?.retryAfterMs).toBeGreaterThan(0);
    // The refused handshake held no slot, and the user's other sockets are untouched.
    expect(sockets.every((s) => s.connected)).toBe(true);

    sockets[0]!.close();
    const again = await waitFor(() => connect(server.url, user.accessToken).catch(() => undefined), 10_000);
    expect(again.connected).toBe(true);
    // ...and the cap holds again at once.
    expect((await refusedConnect(server.url, user.accessToken)).message).toBe(ErrorCode.LIMIT_EXCEEDED);
  });

  it(`sockets from one address past ${PER_IP} are refused, whoever's they are`, async () => {
    const users: AuthResponse[] = [];
    for (let i = 0; i < 3; i++) users.push(await registerUser(server.url, 'capip'));
    // Two users fill the address's slots; the third user has none of their own open.
    for (const u of users.slice(0, 2)) {
      for (let i = 0; i < PER_IP / 2; i++) await connect(server.url, u.accessToken);
    }
    const refused = await refusedConnect(server.url, users[2]!.accessToken);
    expect(refused.message).toBe(ErrorCode.LIMIT_EXCEEDED);
    expect(refused.data).toMatchObject({ code: ErrorCode.LIMIT_EXCEEDED, limit: 'ip' });
  });

  it('the event budget is per user: more sockets do not multiply it', async () => {
    const user = await registerUser(server.url, 'capbudget');
    const sockets: ClientSocket[] = await Promise.all(
      Array.from({ length: PER_USER }, () => connect(server.url, user.accessToken)),
    );
    // Each socket alone may send a burst of EVENTS_PER_SECOND * 4; together the user may too.
    const perSocket = EVENTS_PER_SECOND * 4;
    const acks = (
      await Promise.all(
        sockets.map((s) =>
          Promise.all(
            Array.from({ length: perSocket }, () => rawRequest(s, 'joinRoom', { roomId: -1 }, 15_000)),
          ),
        ),
      )
    ).flat();
    const tally = codes(acks);
    // Served events (refused as VALIDATION by the handler) are about one socket's burst, not three.
    expect(tally[ErrorCode.VALIDATION] ?? 0).toBeGreaterThanOrEqual(perSocket - 1);
    expect(tally[ErrorCode.VALIDATION] ?? 0).toBeLessThan(perSocket * 2);
    expect(tally[ErrorCode.RATE_LIMITED]).toBeGreaterThan(0);
    const limited = acks.find((a) => !a.ok && a.error.code === ErrorCode.RATE_LIMITED) as Extract<
      Ack<unknown>,
      { ok: false }
    >;
    expect(limited.error.message).toMatch(/your connections together/);
    expect(limited.error.details?.retryAfterMs).toBeGreaterThan(0);
  });
});

describe('handshake rate per address', () => {
  const PER_MINUTE = 10;
  let server: ServerProcess;
  let user: AuthResponse;

  beforeAll(async () => {
    server = await startServer({
      env: chatEnv({ SOCKET_HANDSHAKES_PER_MINUTE: String(PER_MINUTE), TRUST_PROXY: '1' }),
    });
    user = await registerUser(server.url, 'hsflood');
  });
  afterAll(async () => {
    closeAllSockets();
    await server?.stop();
  });

  it('a flood of handshakes is refused RATE_LIMITED with retryAfterMs, before the token is even checked', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: PER_MINUTE * 3 }, () => connectVia(server.url, 'not-a-token', '198.51.100.7')),
    );
    const messages = outcomes.map((o) => (o === 'ok' ? o : o.message));
    const unauthorized = messages.filter((m) => m === 'unauthorized').length;
    const limited = messages.filter((m) => m === ErrorCode.RATE_LIMITED).length;
    expect(unauthorized).toBeGreaterThanOrEqual(PER_MINUTE - 1);
    expect(unauthorized).toBeLessThanOrEqual(PER_MINUTE + 1);
    expect(limited).toBe(outcomes.length - unauthorized);
    const refusal = outcomes.find((o): o is Refusal => o !== 'ok' && o.message === ErrorCode.RATE_LIMITED)!;
    expect(refusal.data).toMatchObject({ code: ErrorCode.RATE_LIMITED });
    expect(refusal.data?.retryAfterMs).toBeGreaterThan(0);
    expect(refusal.data?.retryAfterMs).toBeLessThanOrEqual(60_000 / PER_MINUTE + 1);
    // A valid token from that address waits too.
    const valid = await connectVia(server.url, user.accessToken, '198.51.100.7');
    expect(valid !== 'ok' && valid.message).toBe(ErrorCode.RATE_LIMITED);
  });

  it('behind TRUST_PROXY the address is the forwarded one: another client is not throttled', async () => {
    expect(await connectVia(server.url, user.accessToken, '198.51.100.8')).toBe('ok');
  });
});

describe('socket caps across two processes sharing Redis', () => {
  const prefix = `mmtest-${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let one: ServerProcess;
  let two: ServerProcess;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    const env = chatEnv({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      MAX_SOCKETS_PER_USER: '2',
      CLUSTER_NODE_TTL_MS: '3000',
    });
    one = await startServer({ env });
    two = await startServer({ env });
  });
  afterAll(async () => {
    closeAllSockets();
    await Promise.all([one?.stop(), two?.stop()]);
    await db?.drop();
    await deleteRedisKeys(prefix, REDIS_URL);
  });

  it("a user's sockets count on every node; a dead node's sockets stop counting", async () => {
    const user = await registerUser(one.url, 'capcluster');
    await connect(one.url, user.accessToken);
    await connect(two.url, user.accessToken);
    const refused = await refusedConnect(one.url, user.accessToken);
    expect(refused.data).toMatchObject({ code: ErrorCode.LIMIT_EXCEEDED, limit: 'user' });

    // Node two dies without closing anything: its slot expires (CLUSTER_NODE_TTL_MS) on its own.
    process.kill(two.pid, 'SIGKILL');
    const admitted = await waitFor(
      () => connect(one.url, user.accessToken).catch(() => undefined),
      15_000,
      250,
    );
    expect(admitted.connected).toBe(true);
  });
});
