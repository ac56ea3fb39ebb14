import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectSocket, disconnectSocket, setSocketFactory } from '../../lib/socket';
import { snapshot } from '../../test/adminSnapshots';
import { fail, installFakeSockets, ok } from '../../test/fakeSocket';
import { formatAgo, formatBitrate, formatDuration } from './adminFormat';
import { cpuSeries, streamBitrates } from './adminHistory';
import { appendSnapshot, HISTORY_LIMIT, startAdminLive, useAdminLiveStore } from './adminLiveStore';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('admin formatting', () => {
  it('formats bitrates as kbit/s and Mbit/s', () => {
    expect(formatBitrate(0)).toBe('0 kbit/s');
    expect(formatBitrate(870)).toBe('0.9 kbit/s');
    expect(formatBitrate(999_700)).toBe('1.00 Mbit/s');
    expect(formatBitrate(2_400)).toBe('2.4 kbit/s');
    expect(formatBitrate(48_300)).toBe('48 kbit/s');
    expect(formatBitrate(999_400)).toBe('999 kbit/s');
    expect(formatBitrate(1_250_000)).toBe('1.25 Mbit/s');
    expect(formatBitrate(42_500_000)).toBe('42.5 Mbit/s');
    expect(formatBitrate(250_000_000)).toBe('250 Mbit/s');
    expect(formatBitrate(Number.NaN)).toBe('—');
    expect(formatBitrate(-5)).toBe('—');
  });

  it('formats durations and ages', () => {
    expect(formatDuration(45_200)).toBe('45 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
    expect(formatAgo(400)).toBe('just now');
    expect(formatAgo(7_900)).toBe('7 s ago');
    expect(formatAgo(125_000)).toBe('2 min ago');
  });
});

describe('admin history', () => {
  it('keeps the last HISTORY_LIMIT snapshots in order, once each', () => {
    let history = [snapshot(0)];
    history = appendSnapshot(history, snapshot(0));
    expect(history).toHaveLength(1);
    // An older snapshot arriving late (a slow subscribe ack) does not go back in time.
    history = appendSnapshot([snapshot(3)], snapshot(2));
    expect(history.map((s) => s.takenAt)).toEqual([snapshot(3).takenAt]);

    history = [];
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) history = appendSnapshot(history, snapshot(i));
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history[0]!.takenAt).toBe(snapshot(5).takenAt);
    expect(history.at(-1)!.takenAt).toBe(snapshot(HISTORY_LIMIT + 4).takenAt);
  });

  it('builds CPU series per worker pid plus the server, and bitrate series per stream', () => {
    const history = [snapshot(0), snapshot(1), { ...snapshot(2), workers: [...snapshot(2).workers, { pid: 5000, alive: true, cpuPercent: 50, cpuMs: 1, rssBytes: 1, routers: 0 }] }];
    const series = cpuSeries(history);
    expect(series.map((s) => s.label)).toEqual(['Server (pid 100)', 'Worker 4242', 'Worker 5000']);
    expect(series[1]!.points.map((p) => p.v)).toEqual([10, 11, 12]);
    expect(series[2]!.points.map((p) => p.v)).toEqual([50]);

    const withoutRoom = snapshot(3, { rooms: [] });
    const rates = streamBitrates([snapshot(0, { bitrate: 100 }), withoutRoom, snapshot(4, { bitrate: 300 })]);
    expect(rates.get('p-cam')).toEqual([100, null, 300]);
    expect(rates.get('c-mic')).toEqual([40_000, null, 40_000]);
  });
});

describe('admin live subscription', () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  let subscribeAnswer: () => ReturnType<typeof ok> | ReturnType<typeof fail>;
  beforeEach(() => {
    subscribeAnswer = () => ok({ intervalMs: 2000, snapshot: snapshot(0) });
    sockets = installFakeSockets((s) => {
      s.handle('admin:subscribe', () => subscribeAnswer() as never);
      s.handle('admin:unsubscribe', () => ok({}));
    });
    connectSocket('tok');
  });
  afterEach(() => {
    disconnectSocket();
    setSocketFactory(null);
  });

  it('subscribes, rolls pushed snapshots into the history, and unsubscribes and clears on stop', async () => {
    await flush();
    const stop = startAdminLive();
    await flush();
    expect(sockets.current.sent('admin:subscribe')).toHaveLength(1);
    expect(useAdminLiveStore.getState()).toMatchObject({ status: 'live', intervalMs: 2000 });
    expect(useAdminLiveStore.getState().history).toHaveLength(1);

    sockets.current.serverEmit('admin:stats', snapshot(0)); // the ack's snapshot again
    sockets.current.serverEmit('admin:stats', snapshot(1));
    sockets.current.serverEmit('admin:stats', snapshot(2));
    const s = useAdminLiveStore.getState();
    expect(s.history.map((h) => h.takenAt)).toEqual([0, 1, 2].map((i) => snapshot(i).takenAt));
    expect(s.latest?.takenAt).toBe(snapshot(2).takenAt);
    expect(s.receivedAt).not.toBeNull();

    stop();
    expect(sockets.current.sent('admin:unsubscribe')).toHaveLength(1);
    expect(useAdminLiveStore.getState()).toMatchObject({ status: 'idle', history: [], latest: null });
    sockets.current.serverEmit('admin:stats', snapshot(3));
    expect(useAdminLiveStore.getState().history).toEqual([]);
  });

  it('subscribes again after a reconnect and keeps the history', async () => {
    await flush();
    const stop = startAdminLive();
    await flush();
    sockets.current.serverEmit('admin:stats', snapshot(1));
    sockets.current.simulateDisconnect('transport close');
    subscribeAnswer = () => ok({ intervalMs: 2000, snapshot: snapshot(5) });
    sockets.current.simulateConnect();
    await flush();
    expect(sockets.current.sent('admin:subscribe')).toHaveLength(2);
    expect(useAdminLiveStore.getState().history.map((h) => h.takenAt)).toEqual([0, 1, 5].map((i) => snapshot(i).takenAt));
    stop();
  });

  it('waits for the socket when it is not connected yet', async () => {
    const stop = startAdminLive(); // the fake connects on the next microtask
    expect(useAdminLiveStore.getState().status).toBe('connecting');
    await flush();
    expect(sockets.current.sent('admin:subscribe')).toHaveLength(1);
    expect(useAdminLiveStore.getState().status).toBe('live');
    stop();
  });

  it('a FORBIDDEN answer is a forbidden state; another error can be retried', async () => {
    await flush();
    subscribeAnswer = () => fail('FORBIDDEN', 'Admins only');
    let stop = startAdminLive();
    await flush();
    expect(useAdminLiveStore.getState()).toMatchObject({ status: 'forbidden', error: 'Admins only' });
    stop();

    subscribeAnswer = () => fail('INTERNAL', 'boom');
    stop = startAdminLive();
    await flush();
    expect(useAdminLiveStore.getState().status).toBe('error');
    subscribeAnswer = () => ok({ intervalMs: 2000, snapshot: null });
    useAdminLiveStore.getState().resubscribe();
    await flush();
    expect(useAdminLiveStore.getState()).toMatchObject({ status: 'live', latest: null, error: null });
    stop();
  });
});
