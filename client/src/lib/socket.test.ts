import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fail, installFakeSockets, ok } from '../test/fakeSocket';
import { AppError } from './errors';
import {
  connectSocket,
  disconnectSocket,
  emitWithAck,
  onServerEvent,
  onSocketConnect,
  request,
  SERVER_RESTARTING_MESSAGE,
  setSocketFactory,
  setUnauthorizedHandler,
  useConnectionStore,
} from './socket';

const room = {
  id: 7,
  name: 'r',
  ownerId: 1,
  maxParticipants: 8,
  visibility: 'public' as const,
  locked: false,
  joinMuted: false,
  allowGuests: false,
  lobby: 'off' as const,
  recordingAccess: 'moderators' as const,
  recording: false,
  kind: 'meeting' as const,
  participantCount: 1,
  createdAt: '2026-01-01T00:00:00Z',
};

describe('socket service', () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  beforeEach(() => {
    sockets = installFakeSockets();
  });
  afterEach(() => {
    disconnectSocket();
    setSocketFactory(null);
    vi.useRealTimers();
  });

  it('connects with the token and tracks the connection state', async () => {
    connectSocket('tok');
    expect(sockets.current.token).toBe('tok');
    expect(useConnectionStore.getState().status).toBe('connecting');
    await Promise.resolve();
    expect(useConnectionStore.getState().status).toBe('connected');
    sockets.current.simulateDisconnect('transport close');
    expect(useConnectionStore.getState().status).toBe('reconnecting');
    sockets.current.simulateReconnectAttempt(3);
    expect(useConnectionStore.getState().attempt).toBe(3);
    sockets.current.simulateConnect();
    expect(useConnectionStore.getState()).toMatchObject({ status: 'connected', attempt: 0 });
  });

  it('connectSocket is idempotent for the same token', () => {
    connectSocket('a');
    const first = sockets.current;
    connectSocket('a');
    expect(sockets.current).toBe(first);
    connectSocket('b');
    expect(sockets.current).not.toBe(first);
  });

  it('emitWithAck resolves with the typed ack; request unwraps it', async () => {
    connectSocket('tok');
    sockets.current.handle('joinRoom', ({ roomId }) =>
      ok({ room: { ...room, id: roomId }, participants: [], participantsCursor: null }),
    );
    const ack = await emitWithAck('joinRoom', { roomId: 7 });
    expect(ack.ok && ack.data.room.id).toBe(7);
    const data = await request('joinRoom', { roomId: 9 });
    expect(data.room.id).toBe(9);
  });

  it('request throws an AppError carrying code and field details', async () => {
    connectSocket('tok');
    sockets.current.handle('sendMessage', () =>
      fail('VALIDATION', 'Invalid content', { content: ['too long'] }),
    );
    const err = await request('sendMessage', { roomId: 1, content: 'x', clientMessageId: 'c' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'VALIDATION', fields: { content: ['too long'] } });
  });

  it('times out when the server never answers', async () => {
    vi.useFakeTimers();
    connectSocket('tok');
    sockets.current.handle('leaveRoom', () => undefined);
    const p = emitWithAck('leaveRoom', { roomId: 1 }, { timeoutMs: 500 });
    vi.advanceTimersByTime(600);
    await expect(p).rejects.toMatchObject({ code: 'TIMEOUT' });
  });

  it('rejects at once without a socket', async () => {
    await expect(emitWithAck('leaveRoom', { roomId: 1 })).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it('dispatches server events to subscribers, which survive a new socket', () => {
    const seen: number[] = [];
    const off = onServerEvent('roomDeleted', (p) => seen.push(p.roomId));
    connectSocket('a');
    sockets.current.serverEmit('roomDeleted', { roomId: 1 });
    connectSocket('b');
    sockets.current.serverEmit('roomDeleted', { roomId: 2 });
    off();
    sockets.current.serverEmit('roomDeleted', { roomId: 3 });
    expect(seen).toEqual([1, 2]);
  });

  it('tells connect listeners whether it is a reconnect', async () => {
    const calls: boolean[] = [];
    const off = onSocketConnect(({ reconnect }) => calls.push(reconnect));
    connectSocket('tok');
    await Promise.resolve();
    sockets.current.simulateDisconnect();
    sockets.current.simulateConnect();
    off();
    expect(calls).toEqual([false, true]);
  });

  it('an unauthorized handshake calls the unauthorized handler', () => {
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    connectSocket('expired');
    sockets.current.simulateConnectError('unauthorized');
    expect(handler).toHaveBeenCalledOnce();
    expect(useConnectionStore.getState().status).toBe('disconnected');
    setUnauthorizedHandler(() => {});
  });

  it('a handshake refused by a connection cap shows why and tries again after retryAfterMs', () => {
    vi.useFakeTimers();
    connectSocket('tok');
    const s = sockets.current;
    s.autoConnect = false;
    const spy = vi.spyOn(s, 'connect');
    s.simulateConnectError('LIMIT_EXCEEDED', { code: 'LIMIT_EXCEEDED', limit: 'user', retryAfterMs: 10_000 });
    expect(useConnectionStore.getState()).toMatchObject({ status: 'connecting' });
    expect(useConnectionStore.getState().error).toMatch(/too many MiniMeet tabs/);
    vi.advanceTimersByTime(9_000);
    expect(spy).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(spy).toHaveBeenCalledOnce();
  });

  it('a throttled handshake says so', () => {
    connectSocket('tok');
    sockets.current.simulateConnectError('RATE_LIMITED', { code: 'RATE_LIMITED', retryAfterMs: 500 });
    expect(useConnectionStore.getState().error).toMatch(/Too many connection attempts/);
  });

  it('a handshake the server could not check (UNAVAILABLE) is retried, not treated as a logout', () => {
    vi.useFakeTimers();
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    connectSocket('tok');
    const s = sockets.current;
    s.autoConnect = false;
    const spy = vi.spyOn(s, 'connect');
    s.simulateConnectError('UNAVAILABLE', { code: 'UNAVAILABLE', retryAfterMs: 2000 });
    expect(useConnectionStore.getState().error).toMatch(/trouble/);
    expect(handler).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2000);
    expect(spy).toHaveBeenCalledOnce();
    setUnauthorizedHandler(() => {});
  });

  it('reconnects by itself after a server-side disconnect', async () => {
    connectSocket('tok');
    await Promise.resolve();
    const s = sockets.current;
    const spy = vi.spyOn(s, 'connect');
    s.simulateDisconnect('io server disconnect');
    expect(spy).toHaveBeenCalled();
    expect(useConnectionStore.getState().status).toBe('reconnecting');
  });

  it('serverDraining: reconnects after the delay the server asks for, staying "reconnecting", and rejoins', async () => {
    vi.useFakeTimers();
    const reconnects: boolean[] = [];
    const off = onSocketConnect(({ reconnect }) => reconnects.push(reconnect));
    connectSocket('tok');
    await vi.advanceTimersByTimeAsync(0);
    const s = sockets.current;
    const connect = vi.spyOn(s, 'connect');
    s.serverEmit('serverDraining', { reconnectInMs: 2500, shutdownInMs: 30_000 });
    await vi.advanceTimersByTimeAsync(2499);
    expect(connect).not.toHaveBeenCalled();
    expect(useConnectionStore.getState().status).toBe('connected');
    s.autoConnect = false;
    await vi.advanceTimersByTimeAsync(1);
    expect(connect).toHaveBeenCalledOnce();
    // Its own disconnect does not read as "disconnected": the user sees a reconnect.
    expect(useConnectionStore.getState()).toMatchObject({ status: 'reconnecting', error: SERVER_RESTARTING_MESSAGE });
    s.simulateConnect();
    expect(useConnectionStore.getState()).toMatchObject({ status: 'connected', error: null });
    expect(reconnects).toEqual([false, true]);
    off();
  });

  it('a handshake refused by a draining server says the server restarts and tries again when told', () => {
    vi.useFakeTimers();
    connectSocket('tok');
    const s = sockets.current;
    s.autoConnect = false;
    const connect = vi.spyOn(s, 'connect');
    s.simulateConnectError('UNAVAILABLE', { code: 'UNAVAILABLE', message: 'restarting', draining: true, retryAfterMs: 1500 });
    expect(useConnectionStore.getState().error).toBe(SERVER_RESTARTING_MESSAGE);
    vi.advanceTimersByTime(1499);
    expect(connect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(connect).toHaveBeenCalledOnce();
  });
});
