/**
 * Issue 20 item 5, webhooks: call events POSTed to a receiver this test runs, signed, in order
 * per room, retried after failures (short backoff via env), given up after WEBHOOK_MAX_ATTEMPTS,
 * one delivery per event with two server processes; the admin delivery log. Real built server,
 * real Socket.IO clients, SQLite and MariaDB (two processes: MariaDB + Redis).
 */
import type { AuthResponse, WebhookAttemptDto, WebhookDeliveriesResponse, WebhookEventType } from '@minimeet/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DB_KINDS, type ServerProcess, type TestDatabase } from '@minimeet/test-harness';
import {
  closeAllSockets,
  connect,
  createRoom,
  http,
  okData,
  registerUser,
  request,
  sleep,
  uniqueName,
  waitFor,
  type ClientSocket,
} from './helpers/chat-client.js';
import { signInAdmin, startChatTarget, type ChatTarget } from './helpers/chat-server.js';
import { useTwoProcesses } from './helpers/two-processes.js';
import { signatureValid, WebhookReceiver, type ReceivedWebhook } from './helpers/webhook-receiver.js';

const SECRET = 'webhook-test-secret-0123456789';
const MAX_ATTEMPTS = 4;
const webhookEnv = { WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_BASE_MS: '50', WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS) };

async function joined(url: string, user: AuthResponse, roomId: number): Promise<ClientSocket> {
  const socket = await connect(url, user.accessToken);
  okData(await request(socket, 'joinRoom', { roomId }));
  return socket;
}

async function leave(socket: ClientSocket, roomId: number): Promise<void> {
  okData(await request(socket, 'leaveRoom', { roomId }));
}

/** [type, participant userId] of what a receiver got (2xx answers only, unless `all`). */
function sequence(got: ReceivedWebhook[], all = false): Array<[WebhookEventType, number | undefined]> {
  return got.filter((r) => all || r.answered === 200).map((r) => [r.event.type, r.event.participant?.userId]);
}

describe.each(DB_KINDS)('webhooks (%s)', (kind) => {
  const receiver = new WebhookReceiver();
  let target: ChatTarget;
  let url: string;
  let admin: AuthResponse;

  beforeAll(async () => {
    await receiver.start();
    target = await startChatTarget(kind, { WEBHOOK_URLS: receiver.url, ...webhookEnv });
    url = target.url;
    admin = await signInAdmin(target, uniqueName('whadmin'));
  }, 60_000);

  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
    await receiver.stop();
  });

  afterEach(() => {
    closeAllSockets();
    receiver.answer = () => 200;
  });

  async function deliveryLog(token: string) {
    return http<WebhookDeliveriesResponse>(url, 'GET', '/admin/webhooks/deliveries?limit=1000', { token });
  }

  /** The log's attempts of these events, once it has `count` of them (the last is written after its answer). */
  async function loggedAttempts(eventIds: Set<string>, count: number) {
    let attempts: WebhookAttemptDto[] = [];
    for (let i = 0; i < 50 && attempts.length < count; i++) {
      if (i) await sleep(100);
      const log = await deliveryLog(admin.accessToken);
      expect(log.status).toBe(200);
      attempts = log.body.attempts.filter((x) => eventIds.has(x.eventId));
    }
    expect(attempts).toHaveLength(count);
    return attempts;
  }

  it('a call sends room.started, joins, leaves and room.finished in order, signed, each once', async () => {
    const [a, b] = [await registerUser(url, 'wha'), await registerUser(url, 'whb')];
    const room = await createRoom(url, a.accessToken, 'hooked room');
    const sa = await joined(url, a, room.id);
    const sb = await joined(url, b, room.id);
    await leave(sa, room.id);
    await leave(sb, room.id);

    await waitFor(() => receiver.forRoom(room.id).length >= 6, 10_000, 'six webhooks');
    const got = receiver.forRoom(room.id);
    expect(sequence(got, true)).toEqual([
      ['room.started', undefined],
      ['participant.joined', a.user.id],
      ['participant.joined', b.user.id],
      ['participant.left', a.user.id],
      ['participant.left', b.user.id],
      ['room.finished', undefined],
    ]);
    for (const r of got) {
      expect(signatureValid(SECRET, r.headers, r.body)).toBe(true);
      expect(r.headers['x-minimeet-event']).toBe(r.event.type);
      expect(r.headers['x-minimeet-delivery']).toBe(r.event.id);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.event.room).toEqual({ id: room.id, name: 'hooked room' });
      expect(Number.isNaN(Date.parse(r.event.createdAt))).toBe(false);
    }
    // A changed body or another secret does not verify.
    expect(signatureValid(SECRET, got[0]!.headers, got[0]!.body.replace('hooked', 'hacked'))).toBe(false);
    expect(signatureValid('another-secret-0123456789', got[0]!.headers, got[0]!.body)).toBe(false);
    expect(new Set(got.map((r) => r.event.id)).size).toBe(6);
    expect(got[1]!.event.participant).toMatchObject({ userId: a.user.id, username: a.user.username });
    expect(['host', 'speaker', 'attendee']).toContain(got[1]!.event.participant!.role);
    expect(got[3]!.event.participant).toEqual(got[1]!.event.participant);

    // The admin log has exactly one attempt per event, delivered.
    const ids = new Set(got.map((r) => r.event.id));
    const attempts = await loggedAttempts(ids, 6);
    for (const x of attempts) expect(x).toMatchObject({ attempt: 1, statusCode: 200, delivered: true, url: receiver.url });
  });

  it('a 500 is retried: delivered on the third attempt, once, and the room\'s later events wait for it', async () => {
    const a = await registerUser(url, 'whr');
    const room = await createRoom(url, a.accessToken, 'flaky receiver');
    let failures = 0;
    receiver.answer = (e) => (e.room.id === room.id && e.type === 'room.started' && failures++ < 2 ? 500 : 200);
    const sa = await joined(url, a, room.id);
    await leave(sa, room.id);

    await waitFor(() => receiver.forRoom(room.id).some((r) => r.event.type === 'room.finished'), 10_000, 'room.finished');
    const got = receiver.forRoom(room.id);
    expect(got.map((r) => [r.event.type, r.answered])).toEqual([
      ['room.started', 500],
      ['room.started', 500],
      ['room.started', 200],
      ['participant.joined', 200],
      ['participant.left', 200],
      ['room.finished', 200],
    ]);
    // One event, retried: the same id every time.
    expect(new Set(got.slice(0, 3).map((r) => r.event.id)).size).toBe(1);

    const started = await loggedAttempts(new Set([got[0]!.event.id]), 3);
    expect(started.map((x) => [x.attempt, x.statusCode, x.delivered, x.type])).toEqual([
      [3, 200, true, 'room.started'],
      [2, 500, false, 'room.started'],
      [1, 500, false, 'room.started'],
    ]);
    expect(started[1]!.error).toBe('HTTP 500');
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts and the room's next event goes`, async () => {
    const a = await registerUser(url, 'whf');
    const room = await createRoom(url, a.accessToken, 'dead receiver');
    receiver.answer = (e) => (e.room.id === room.id && e.type === 'room.started' ? 503 : 200);
    await joined(url, a, room.id);

    await waitFor(() => receiver.forRoom(room.id).some((r) => r.event.type === 'participant.joined'), 10_000, 'joined');
    expect(sequence(receiver.forRoom(room.id), true)).toEqual([
      ...Array.from({ length: MAX_ATTEMPTS }, () => ['room.started', undefined]),
      ['participant.joined', a.user.id],
    ]);
  });

  it('the delivery log is for admins only', async () => {
    const user = await registerUser(url, 'whu');
    expect((await deliveryLog(user.accessToken)).status).toBe(403);
    expect((await http(url, 'GET', '/admin/webhooks/deliveries')).status).toBe(401);
    const bad = await http(url, 'GET', '/admin/webhooks/deliveries?limit=0', { token: admin.accessToken });
    expect(bad.status).toBe(400);
    const spec = (await (await fetch(`${url}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toContain('/api/admin/webhooks/deliveries');
  });
});

describe('webhooks from two server processes (mariadb)', () => {
  const receiver = new WebhookReceiver();
  let one: ServerProcess;
  let two: ServerProcess;
  let db: TestDatabase;
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());
  useTwoProcesses('mariadb', (p) => ({ one, two, db } = p), {
    env: {
      // Read when the processes start, after the receiver listens.
      get WEBHOOK_URLS() {
        return receiver.url;
      },
      ...webhookEnv,
    },
  });

  it('users on both nodes: each event is delivered exactly once, in order, retries included', async () => {
    const [a, b] = [await registerUser(one.url, 'wh2a'), await registerUser(one.url, 'wh2b')];
    const room = await createRoom(one.url, a.accessToken, 'two nodes');
    // Every event's first attempt fails: its retry may be claimed by either node.
    const seen = new Set<string>();
    receiver.answer = (e) => (e.room.id !== room.id || seen.has(e.id) ? 200 : (seen.add(e.id), 500));
    // Retries answered slowly: both nodes scan the outbox (every 50 ms here) while one sends,
    // so a send not claimed for the other node would go twice.
    receiver.delayMs = (e) => (e.room.id === room.id && seen.has(e.id) ? 300 : 0);
    const aOnOne = await joined(one.url, a, room.id);
    const aOnTwo = await joined(two.url, a, room.id); // a second tab: no second participant.joined
    const bOnTwo = await joined(two.url, b, room.id);
    await leave(bOnTwo, room.id);
    await leave(aOnOne, room.id); // still present through node two
    await leave(aOnTwo, room.id);

    await waitFor(() => receiver.forRoom(room.id).some((r) => r.event.type === 'room.finished' && r.answered === 200), 15_000, 'room.finished');
    const got = receiver.forRoom(room.id);
    expect(sequence(got)).toEqual([
      ['room.started', undefined],
      ['participant.joined', a.user.id],
      ['participant.joined', b.user.id],
      ['participant.left', b.user.id],
      ['participant.left', a.user.id],
      ['room.finished', undefined],
    ]);
    // Exactly two POSTs per event (the failed one, then its retry), never a duplicate.
    const perEvent = new Map<string, number[]>();
    for (const r of got) perEvent.set(r.event.id, [...(perEvent.get(r.event.id) ?? []), r.answered]);
    expect([...perEvent.values()]).toEqual(Array.from({ length: 6 }, () => [500, 200]));
    for (const r of got) expect(signatureValid(SECRET, r.headers, r.body)).toBe(true);

    // The log (either node answers it) shows one first attempt and one retry per event.
    const admin = await signInAdmin({ db, url: one.url }, uniqueName('wh2admin'));
    let log = { attempts: [] as WebhookAttemptDto[] };
    for (let i = 0; i < 50 && log.attempts.filter((x) => perEvent.has(x.eventId)).length < 12; i++) {
      if (i) await sleep(100); // the last attempt is written after its answer
      log = (await http<WebhookDeliveriesResponse>(one.url, 'GET', '/admin/webhooks/deliveries?limit=1000', { token: admin.accessToken })).body;
    }
    for (const eventId of perEvent.keys()) {
      const attempts = log.attempts.filter((x) => x.eventId === eventId);
      expect(attempts.map((x) => [x.attempt, x.statusCode])).toEqual([
        [2, 200],
        [1, 500],
      ]);
    }
  });
});
