import {
  ParticipantRoster,
  PROTOCOL_VERSION,
  socketHandshakeAuth,
  type Ack,
  type ErrorCode,
  type JoinRoomData,
  type JoinRoomRequest,
  type ParticipantsDeltaEvent,
  type AuthResponse,
  type ClientEventName,
  type ClientToServerEvents,
  type RequestOf,
  type ResponseOf,
  type ServerEventName,
  type ServerEvents,
  type ServerToClientEvents,
  type WireError,
} from '@minimeet/shared';
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';

/** Helpers for talking to a running server the way a real client does (fetch + socket.io-client). */

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
}

export async function http<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; authorization?: string } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  // Any other scheme (e.g. HTTP Basic with an API key).
  if (opts.authorization) headers.authorization = opts.authorization;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}/api${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T };
}

let counter = 0;
/** A username unique within this test process (3–32 chars of the allowed set). */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid % 10000}_${counter}_${Math.random().toString(36).slice(2, 6)}`.slice(0, 32);
}

export async function registerUser(baseUrl: string, prefix = 'user'): Promise<AuthResponse> {
  const res = await http<AuthResponse>(baseUrl, 'POST', '/auth/register', {
    body: { username: uniqueName(prefix), password: 'correct horse battery' },
  });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createRoom(
  baseUrl: string,
  token: string,
  name = 'room',
  maxParticipants?: number,
  extra: { kind?: 'meeting' | 'webinar' } = {},
) {
  const res = await http<{ id: number }>(baseUrl, 'POST', '/rooms', {
    token,
    body: { name, maxParticipants, ...extra },
  });
  if (res.status !== 201) throw new Error(`create room failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const openSockets = new Set<ClientSocket>();

/**
 * Connects and resolves once connected (rejects with the connect_error). `handshake` replaces the
 * auth a real client sends (token and protocol version).
 */
export function connect(
  baseUrl: string,
  token: string | undefined,
  handshake: object = token === undefined
    ? { protocolVersion: PROTOCOL_VERSION }
    : socketHandshakeAuth(token),
): Promise<ClientSocket> {
  const socket: ClientSocket = io(baseUrl, {
    auth: handshake,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  openSockets.add(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      openSockets.delete(socket);
      reject(err);
    });
  });
}

export function closeAllSockets(): void {
  for (const s of openSockets) s.close();
  openSockets.clear();
}

/** Emits a client event and waits for its ack. */
export function request<E extends ClientEventName>(
  socket: ClientSocket,
  event: E,
  payload: RequestOf<E>,
  timeoutMs = 5000,
): Promise<Ack<ResponseOf<E>>> {
  return rawRequest(socket, event, payload, timeoutMs) as Promise<Ack<ResponseOf<E>>>;
}

/** Like request, with any payload (for malformed-input tests). */
export function rawRequest(
  socket: ClientSocket,
  event: string,
  payload: unknown,
  timeoutMs = 5000,
): Promise<Ack<unknown>> {
  const untyped = socket as unknown as {
    timeout(ms: number): { emitWithAck(ev: string, ...args: unknown[]): Promise<unknown> };
  };
  const args = payload === undefined ? [] : [payload];
  return untyped.timeout(timeoutMs).emitWithAck(event, ...args) as Promise<Ack<unknown>>;
}

/** Unwraps an ok ack or throws with its error. */
export function okData<T>(ack: Ack<T>): T {
  if (!ack.ok) throw new Error(`ack error ${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

/** A new socket of `user` joined to the room (with the invite token when one is given). */
export async function joinedSocket(
  url: string,
  user: AuthResponse,
  roomId: number,
  inviteToken?: string,
): Promise<ClientSocket> {
  const socket = await connect(url, user.accessToken);
  okData(await request(socket, 'joinRoom', inviteToken ? { roomId, inviteToken } : { roomId }));
  return socket;
}

/** Asserts the ack was refused with `code` (shows 'ok' when it was not refused at all). */
export function refusedWith(ack: Ack<unknown>, code: ErrorCode): void {
  expect(ack.ok ? 'ok' : ack.error.code).toBe(code);
}

/** Records every payload of one server event, from now on. */
export function record<E extends ServerEventName>(socket: ClientSocket, event: E): ServerEvents[E][] {
  const list: ServerEvents[E][] = [];
  const on = socket.on as unknown as (ev: string, fn: (p: ServerEvents[E]) => void) => void;
  on.call(socket, event, (payload) => list.push(payload));
  return list;
}

export async function waitFor(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What followRoom gives: the join answer, the deltas since, and the list a client would show. */
export interface FollowedRoom {
  data: JoinRoomData;
  /** Every participantsDelta of the room this socket got, from before the join answer on. */
  deltas: ParticipantsDeltaEvent[];
  /** Present user ids, sorted, as the client's roster has them now. */
  ids(): number[];
  /** Pages of the snapshot loaded with loadParticipants (the join answer's first page not counted). */
  pagesLoaded: number;
  /** The client's list itself (e.g. `has`, `cursor`: null once a snapshot is complete). */
  roster: ParticipantRoster;
  /** participantsResync events received (each reloads the snapshot, as the web client does). */
  resyncs: number;
}

/**
 * Joins a room the way a client does: the join answer's first page, the rest of the snapshot
 * through loadParticipants, participantsDelta events applied throughout (ParticipantRoster), and
 * the snapshot loaded again on participantsResync (after a Redis outage).
 */
export async function followRoom(socket: ClientSocket, join: JoinRoomRequest): Promise<FollowedRoom> {
  const deltas: ParticipantsDeltaEvent[] = [];
  let roster: ParticipantRoster | null = null;
  socket.on('participantsDelta', (d) => {
    if (d.roomId !== join.roomId) return;
    deltas.push(d);
    roster?.applyDelta(d);
  });
  const data = okData(await request(socket, 'joinRoom', join));
  const r = new ParticipantRoster(data.participants, data.participantsCursor);
  for (const d of deltas) r.applyDelta(d);
  roster = r;
  const followed: FollowedRoom = {
    data,
    deltas,
    ids: () => r.list().map((p) => p.userId).sort((a, b) => a - b),
    pagesLoaded: 0,
    roster: r,
    resyncs: 0,
  };
  /** Loads the rest of the snapshot; the refusal when the server did not answer (a resync tries again). */
  const loadPages = async (): Promise<WireError | null> => {
    while (r.cursor !== null) {
      const generation = r.generation;
      const ack = await request(socket, 'loadParticipants', { roomId: join.roomId, cursor: r.cursor });
      if (!ack.ok) return ack.error;
      // A resync meanwhile started a new snapshot: this page belongs to the old one.
      if (r.generation === generation) r.addPage(ack.data.participants, ack.data.nextCursor);
      followed.pagesLoaded += 1;
    }
    return null;
  };
  socket.on('participantsResync', (e) => {
    if (e.roomId !== join.roomId) return;
    followed.resyncs += 1;
    r.resync();
    void loadPages();
  });
  const refused = await loadPages();
  if (refused) throw new Error(`ack error ${refused.code}: ${refused.message}`);
  return followed;
}
