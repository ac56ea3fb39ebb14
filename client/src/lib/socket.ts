/**
 * The one Socket.IO connection of the app (chat, presence and, in phase 2, SFU signaling).
 * Everything else talks to the server through `request` / `emitWithAck` and `onServerEvent`,
 * typed end to end by the shared contract.
 */
import {
  ClientEvent,
  ErrorCode,
  PROTOCOL_VERSION,
  SOCKET_PROTOCOL_MISMATCH,
  socketHandshakeAuth,
  type ProtocolMismatchData,
  type ConnectionRefusedData,
  type Ack,
  type ClientEventName,
  type ClientToServerEvents,
  type RequestOf,
  type ResponseOf,
  type ServerEventName,
  type ServerDrainingEvent,
  type ServerToClientEvents,
} from '@minimeet/shared';
import { io, type Socket } from 'socket.io-client';
import { create } from 'zustand';
import { AppError } from './errors';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type ServerPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** The part of a socket.io-client Socket this module uses (tests pass a fake). */
export interface SocketLike {
  readonly connected: boolean;
  readonly active: boolean;
  on(event: string, listener: (...args: never[]) => void): unknown;
  onAny(listener: (event: string, ...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  connect(): unknown;
  disconnect(): unknown;
  removeAllListeners(): unknown;
  io: { on(event: string, listener: (...args: never[]) => void): unknown };
}

export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Reconnect attempts since the connection was lost. */
  attempt: number;
  /** Last connection error, readable. */
  error: string | null;
  /**
   * Set when the server refused this app's protocol version (PROTOCOL_MISMATCH): the page runs an
   * older (or newer) release than the server and must be reloaded. Only a successful connect clears it.
   */
  outdated: { clientVersion: string; serverVersion: string } | null;
}

export const OUTDATED_APP_MESSAGE =
  'This version of MiniMeet is out of date. Reload the page to get the new one.';

export const useConnectionStore = create<ConnectionState>(() => ({
  status: 'idle',
  attempt: 0,
  error: null,
  outdated: null,
}));

type Factory = (token: string) => SocketLike;
const defaultFactory: Factory = (token) =>
  io({
    path: '/socket.io',
    // Read at every (re)connect: a reconnect after a silent refresh presents the newest token.
    auth: (cb) => {
      tokenServerHolds = currentToken ?? token;
      cb(socketHandshakeAuth(tokenServerHolds));
    },
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  }) as unknown as SocketLike;

let factory: Factory = defaultFactory;
let socket: SocketLike | null = null;
let currentToken: string | null = null;
/** Whose socket it is: a new token of the same owner renews the socket instead of replacing it. */
let currentOwner: number | undefined;
let hasConnectedOnce = false;
/** The token the server last saw (handshake or auth:renew): a refresh during a handshake must follow it up. */
let tokenServerHolds: string | null = null;
/** Handshakes refused as unauthorized since the last successful connect. */
let unauthorizedInARow = 0;
/** The next try after a handshake refused by a connection cap or the handshake rate limit. */
let refusedRetry: ReturnType<typeof setTimeout> | undefined;
/** The reconnect a draining server asked for (serverDraining), and the socket it is moving. */
let drainMove: ReturnType<typeof setTimeout> | undefined;
let movingSocket: SocketLike | null = null;

export const SERVER_RESTARTING_MESSAGE = 'The server is restarting. Reconnecting…';

/** What a refused handshake may carry in `err.data` (which fields depends on the message). */
type ConnectErrorData = Partial<Omit<ProtocolMismatchData, 'code'>> &
  Partial<Omit<ConnectionRefusedData, 'code'>>;

/** Bounds on the wait before retrying a refused handshake, whatever the server suggests. */
const REFUSED_RETRY_MIN_MS = 1_000;
const REFUSED_RETRY_MAX_MS = 60_000;

/** The readable text for a handshake refused by a cap or rate limit (null: not such a refusal). */
export function connectionRefusedMessage(err: {
  message?: string;
  data?: Partial<ConnectionRefusedData>;
}): string | null {
  if (err.message === ErrorCode.RATE_LIMITED) return 'Too many connection attempts. Retrying shortly…';
  if (err.message === ErrorCode.UNAVAILABLE)
    return err.data?.draining ? SERVER_RESTARTING_MESSAGE : 'The server is having trouble. Retrying shortly…';
  if (err.message !== ErrorCode.LIMIT_EXCEEDED) return null;
  return err.data?.limit === 'ip'
    ? 'Too many connections from your network. Retrying shortly…'
    : 'You have too many MiniMeet tabs or devices open. Close one; retrying shortly…';
}

type AnyHandler = (payload: unknown) => void;
const handlers = new Map<string, Set<AnyHandler>>();
const connectListeners = new Set<(info: { reconnect: boolean }) => void>();
let unauthorizedHandler: (info: { repeated: boolean }) => void = () => {};

/** Tests only: build sockets with this instead of socket.io-client. */
export function setSocketFactory(f: Factory | null): void {
  factory = f ?? defaultFactory;
}

/**
 * Called when the server refuses the handshake token (expired or revoked session);
 * `repeated` when it refused the token handed over after the previous refusal too.
 */
export function setUnauthorizedHandler(h: (info: { repeated: boolean }) => void): void {
  unauthorizedHandler = h;
}

function setStatus(patch: Partial<ConnectionState>): void {
  useConnectionStore.setState(patch);
}

/**
 * Opens (or keeps) the connection for this token. Idempotent. With `owner` (the user id), a new
 * token of the same owner keeps the live socket (rooms, media) and hands it the token instead.
 */
export function connectSocket(token: string, owner?: number): void {
  if (socket && currentToken === token) return;
  if (socket && owner !== undefined && owner === currentOwner) {
    renewSocketAuth(socket, token);
    return;
  }
  disconnectSocket();
  currentToken = token;
  tokenServerHolds = token;
  currentOwner = owner;
  hasConnectedOnce = false;
  unauthorizedInARow = 0;
  const s = factory(token);
  socket = s;
  setStatus({ status: 'connecting', attempt: 0, error: null });

  s.on('connect', () => {
    if (socket !== s) return;
    const reconnect = hasConnectedOnce;
    hasConnectedOnce = true;
    unauthorizedInARow = 0;
    if (movingSocket === s) movingSocket = null;
    setStatus({ status: 'connected', attempt: 0, error: null, outdated: null });
    // Refreshed while the handshake was in flight: the server holds the older token's expiry.
    if (currentToken && currentToken !== tokenServerHolds) renewSocketAuth(s, currentToken);
    for (const l of [...connectListeners]) l({ reconnect });
  });
  s.on('disconnect', ((reason: string) => {
    if (socket !== s) return;
    if (reason === 'io client disconnect' && movingSocket !== s) {
      setStatus({ status: 'disconnected' });
      return;
    }
    // The server dropped us on purpose: socket.io does not retry by itself then.
    if (reason === 'io server disconnect') s.connect();
    setStatus({ status: 'reconnecting', error: null });
  }) as (...args: never[]) => void);
  s.on('connect_error', ((err: Error & { data?: ConnectErrorData }) => {
    if (socket !== s) return;
    const refused = connectionRefusedMessage(err);
    if (refused) {
      // socket.io does not retry a handshake its middleware refused: try again when the server says.
      const suggested =
        typeof err.data?.retryAfterMs === 'number' ? err.data.retryAfterMs : REFUSED_RETRY_MIN_MS;
      const waitMs = Math.min(REFUSED_RETRY_MAX_MS, Math.max(REFUSED_RETRY_MIN_MS, suggested));
      clearTimeout(refusedRetry);
      refusedRetry = setTimeout(() => {
        if (socket === s && !s.connected) s.connect();
      }, waitMs);
      setStatus({ status: hasConnectedOnce ? 'reconnecting' : 'connecting', error: refused });
      return;
    }
    if (err?.message === SOCKET_PROTOCOL_MISMATCH) {
      // Reconnecting cannot help (socket.io does not retry a refused handshake anyway): reload.
      const outdated = {
        clientVersion: PROTOCOL_VERSION,
        serverVersion: typeof err.data?.serverVersion === 'string' ? err.data.serverVersion : 'unknown',
      };
      setStatus({ status: 'disconnected', error: OUTDATED_APP_MESSAGE, outdated });
      return;
    }
    if (err?.message === 'unauthorized') {
      unauthorizedInARow += 1;
      setStatus({ status: 'disconnected', error: 'Your session has expired. Please sign in again.' });
      unauthorizedHandler({ repeated: unauthorizedInARow > 1 });
      return;
    }
    setStatus({
      status: hasConnectedOnce ? 'reconnecting' : s.active ? 'connecting' : 'disconnected',
      error: 'Cannot reach the server.',
    });
  }) as (...args: never[]) => void);
  s.on('serverDraining', ((event: ServerDrainingEvent) => {
    if (socket !== s) return;
    moveOnDrain(s, event);
  }) as (...args: never[]) => void);
  s.io.on('reconnect_attempt', ((attempt: number) => {
    if (socket !== s) return;
    setStatus({ attempt });
  }) as (...args: never[]) => void);
  s.onAny((event, ...args) => {
    if (socket !== s) return;
    const set = handlers.get(event);
    if (!set) return;
    for (const h of [...set]) h(args[0]);
  });
  s.connect();
}

/**
 * The server node is stopping: reconnect after the delay it asks for (spread over its clients so
 * they do not stampede the next node). The page's own URL is kept: behind the load balancer it
 * reaches another node. The call and chat rejoin on the reconnect, as after any dropped socket.
 */
function moveOnDrain(s: SocketLike, { reconnectInMs }: ServerDrainingEvent): void {
  clearTimeout(drainMove);
  drainMove = setTimeout(
    () => {
      if (socket !== s) return;
      movingSocket = s;
      s.disconnect();
      setStatus({ status: 'reconnecting', error: SERVER_RESTARTING_MESSAGE });
      s.connect();
    },
    Math.max(0, reconnectInMs),
  );
}

/** A refreshed token for the live socket: `auth:renew` when connected, else the next handshake uses it. */
function renewSocketAuth(s: SocketLike, token: string): void {
  currentToken = token;
  if (s.connected) {
    tokenServerHolds = token;
    s.emit(ClientEvent['auth:renew'], { accessToken: token }, (ack: Ack<unknown>) => {
      // Refused (e.g. revoked meanwhile): the server ends the socket at the old token's expiry
      // or at once, and says why with sessionEnded.
      if (!ack.ok && socket === s) setStatus({ error: ack.error.message });
    });
  } else if (!s.active) {
    // A refused handshake leaves the socket inactive: try again, now with the new token.
    s.connect();
  }
}

export function disconnectSocket(): void {
  clearTimeout(refusedRetry);
  clearTimeout(drainMove);
  movingSocket = null;
  const s = socket;
  socket = null;
  currentToken = null;
  currentOwner = undefined;
  if (s) {
    s.removeAllListeners();
    s.disconnect();
  }
  setStatus({ status: 'idle', attempt: 0, error: null });
}

export function isSocketConnected(): boolean {
  return socket?.connected ?? false;
}

/** Subscribe to one server→client event; returns the unsubscribe function. Survives reconnects. */
export function onServerEvent<E extends ServerEventName>(
  event: E,
  handler: (payload: ServerPayload<E>) => void,
): () => void {
  let set = handlers.get(event);
  if (!set) {
    set = new Set();
    handlers.set(event, set);
  }
  const h = handler as AnyHandler;
  set.add(h);
  return () => {
    set.delete(h);
  };
}

/** Called after every (re)connect; `reconnect` is true when this is not the first one. */
export function onSocketConnect(listener: (info: { reconnect: boolean }) => void): () => void {
  connectListeners.add(listener);
  return () => {
    connectListeners.delete(listener);
  };
}

export const DEFAULT_ACK_TIMEOUT_MS = 10_000;

/**
 * Emits a client→server event and resolves with its typed ack. Rejects with AppError only when
 * there is no answer (no connection, timeout); an `{ok:false}` ack resolves normally.
 */
export function emitWithAck<E extends ClientEventName>(
  event: E,
  payload: RequestOf<E>,
  opts: { timeoutMs?: number } = {},
): Promise<Ack<ResponseOf<E>>> {
  const s = socket;
  if (!s) return Promise.reject(new AppError('NETWORK', 'Not connected to the server.'));
  const timeoutMs = opts.timeoutMs ?? DEFAULT_ACK_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new AppError('TIMEOUT', `No answer from the server (${event}).`));
    }, timeoutMs);
    s.emit(event, payload, (ack: Ack<ResponseOf<E>>) => {
      clearTimeout(timer);
      resolve(ack);
    });
  });
}

/** `emitWithAck`, unwrapped: the ack's data, or an AppError carrying the wire error. */
export async function request<E extends ClientEventName>(
  event: E,
  payload: RequestOf<E>,
  opts: { timeoutMs?: number } = {},
): Promise<ResponseOf<E>> {
  const ack = await emitWithAck(event, payload, opts);
  if (ack.ok) return ack.data;
  throw AppError.fromWire(ack.error);
}
