import type { Ack, ClientEventName, RequestOf, ResponseOf, ServerEventName, ServerEvents } from '@minimeet/shared';
import { setSocketFactory, type SocketLike } from '../lib/socket';

type Listener = (...args: never[]) => void;
type Handler<E extends ClientEventName> = (payload: RequestOf<E>) => Ack<ResponseOf<E>> | Promise<Ack<ResponseOf<E>>> | undefined;

/** In-memory stand-in for a socket.io-client Socket, with a scriptable "server". */
export class FakeSocket implements SocketLike {
  connected = false;
  active = false;
  readonly emitted: Array<{ event: string; payload: unknown }> = [];
  private listeners = new Map<string, Set<Listener>>();
  private managerListeners = new Map<string, Set<Listener>>();
  private anyListeners = new Set<(event: string, ...args: unknown[]) => void>();
  private handlers = new Map<string, (payload: never) => unknown>();
  /** Connect as soon as connect() is called (default), or wait for simulateConnect(). */
  autoConnect = true;

  constructor(readonly token: string) {}

  io = {
    on: (event: string, l: Listener) => {
      let set = this.managerListeners.get(event);
      if (!set) this.managerListeners.set(event, (set = new Set()));
      set.add(l);
      return this.io;
    },
  };

  on(event: string, l: Listener) {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(l);
    return this;
  }
  onAny(l: (event: string, ...args: unknown[]) => void) {
    this.anyListeners.add(l);
    return this;
  }
  removeAllListeners() {
    this.listeners.clear();
    this.anyListeners.clear();
    return this;
  }
  connect() {
    this.active = true;
    if (this.autoConnect) queueMicrotask(() => this.simulateConnect());
    return this;
  }
  disconnect() {
    this.active = false;
    if (this.connected) {
      this.connected = false;
      this.fire('disconnect', 'io client disconnect');
    }
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    const [payload, ack] = args as [unknown, ((a: unknown) => void) | undefined];
    this.emitted.push({ event, payload });
    const h = this.handlers.get(event);
    if (h && ack) {
      void Promise.resolve(h(payload as never)).then((res) => {
        if (res !== undefined) ack(res);
      });
    }
    return this;
  }

  /** Script the server's answer to one client event (return undefined to never answer). */
  handle<E extends ClientEventName>(event: E, handler: Handler<E>): this {
    this.handlers.set(event, handler as (payload: never) => unknown);
    return this;
  }
  /** The server pushes an event. */
  serverEmit<E extends ServerEventName>(event: E, payload: ServerEvents[E]): void {
    // As socket.io-client: the event's own listeners, then the catch-all ones.
    this.fire(event, payload);
    for (const l of [...this.anyListeners]) l(event, payload);
  }
  simulateConnect(): void {
    this.connected = true;
    this.fire('connect');
  }
  simulateDisconnect(reason = 'transport close'): void {
    this.connected = false;
    this.fire('disconnect', reason);
  }
  /** The server refuses the handshake; `data` is what its middleware attached (socket.io's err.data). */
  simulateConnectError(message: string, data?: unknown): void {
    this.fire('connect_error', Object.assign(new Error(message), data === undefined ? {} : { data }));
  }
  simulateReconnectAttempt(n: number): void {
    for (const l of this.managerListeners.get('reconnect_attempt') ?? []) (l as (n: number) => void)(n);
  }
  sent(event: ClientEventName): unknown[] {
    return this.emitted.filter((e) => e.event === event).map((e) => e.payload);
  }
  private fire(event: string, ...args: unknown[]): void {
    for (const l of [...(this.listeners.get(event) ?? [])]) (l as (...a: unknown[]) => void)(...args);
  }
}

/** Make connectSocket() build FakeSockets; returns an accessor for the latest one. */
export function installFakeSockets(setup?: (s: FakeSocket) => void): { readonly current: FakeSocket } {
  const ref: { current: FakeSocket | null } = { current: null };
  setSocketFactory((token) => {
    const s = new FakeSocket(token);
    setup?.(s);
    ref.current = s;
    return s;
  });
  return {
    get current() {
      if (!ref.current) throw new Error('no socket created yet');
      return ref.current;
    },
  };
}

export const ok = <T>(data: T): Ack<T> => ({ ok: true, data });
export const fail = (code: string, message: string, fields?: Record<string, string[]>): Ack<never> => ({
  ok: false,
  error: { code: code as never, message, ...(fields ? { details: { fields } } : {}) },
});
