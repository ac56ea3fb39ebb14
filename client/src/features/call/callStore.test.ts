import type { JoinRoomData } from '@minimeet/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectSocket, disconnectSocket, setSocketFactory } from '../../lib/socket';
import { fail, installFakeSockets, ok } from '../../test/fakeSocket';
import { useChatStore } from '../chat/chatStore';
import { useCallStore } from './callStore';
import { buildTiles } from './tiles';

const me = { id: 1, username: 'alice', role: 'user' as const };
const joinData = (ids: number[]): JoinRoomData => ({
  room: { id: 5, name: 'Stand-up', ownerId: 1, maxParticipants: 8, visibility: 'public', locked: false, joinMuted: false, allowGuests: false, lobby: 'off', recordingAccess: 'moderators', recording: false, kind: 'meeting', participantCount: ids.length, createdAt: '2026-01-01T00:00:00Z' },
  participants: ids.map((id) => ({ userId: id, username: id === 1 ? 'alice' : `user${id}`, role: 'speaker' as const })),
  participantsCursor: null,
});
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('call store', () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  beforeEach(() => {
    sockets = installFakeSockets((s) => {
      s.handle('joinRoom', () => ok(joinData([1, 2, 3])));
      s.handle('leaveRoom', ({ roomId }) => ok({ roomId }));
      s.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
    });
    connectSocket('tok');
  });
  afterEach(async () => {
    await useCallStore.getState().leave();
    disconnectSocket();
    setSocketFactory(null);
  });

  it('joins, lists participants and opens the chat', async () => {
    await useCallStore.getState().join(5, me, { capture: false });
    const s = useCallStore.getState();
    expect(s.status).toBe('joined');
    expect(s.room?.name).toBe('Stand-up');
    expect(s.participants.map((p) => p.userId)).toEqual([1, 2, 3]);
    expect(useChatStore.getState().roomId).toBe(5);
  });

  it('reports a full room readably', async () => {
    sockets.current.handle('joinRoom', () => fail('ROOM_FULL', 'Room is full'));
    await useCallStore.getState().join(5, me, { capture: false });
    expect(useCallStore.getState()).toMatchObject({ status: 'error', error: { code: 'ROOM_FULL', message: expect.stringMatching(/full/) } });
  });

  it('follows participantsDelta and roomDeleted for its room only', async () => {
    await useCallStore.getState().join(5, me, { capture: false });
    sockets.current.serverEmit('participantsDelta', { roomId: 6, joined: [], left: [1, 2, 3], changed: [] });
    expect(useCallStore.getState().participants).toHaveLength(3);
    sockets.current.serverEmit('participantsDelta', { roomId: 5, joined: [{ userId: 4, username: 'user4', role: 'speaker' }], left: [2], changed: [] });
    expect(useCallStore.getState().participants.map((p) => p.userId)).toEqual([1, 3, 4]);
    sockets.current.serverEmit('roomDeleted', { roomId: 5 });
    expect(useCallStore.getState()).toMatchObject({ status: 'ended', error: { code: 'ROOM_DELETED' } });
  });

  it('loads a paged snapshot and merges deltas that came meanwhile: a page does not bring back who left', async () => {
    const page1 = joinData([1, 2]).participants;
    sockets.current.handle('joinRoom', () => ok({ ...joinData([1, 2]), participants: page1, participantsCursor: 2 }));
    const pages: number[] = [];
    sockets.current.handle('loadParticipants', ({ cursor }) => {
      pages.push(cursor);
      // Read before user 3 left, answered after its delta arrived.
      sockets.current.serverEmit('participantsDelta', { roomId: 5, joined: [{ userId: 5, username: 'user5', role: 'speaker' }], left: [3], changed: [] });
      return cursor === 2
        ? ok({ roomId: 5, participants: joinData([3, 4]).participants, nextCursor: 4 })
        : ok({ roomId: 5, participants: joinData([6]).participants, nextCursor: null });
    });
    await useCallStore.getState().join(5, me, { capture: false });
    await flush();
    await flush();
    expect(pages).toEqual([2, 4]);
    expect(useCallStore.getState().participants.map((p) => p.userId)).toEqual([1, 2, 4, 5, 6]);
  });

  it('participantsResync reloads the snapshot: someone gone without a delta disappears, deltas meanwhile still count', async () => {
    await useCallStore.getState().join(5, me, { capture: false });
    sockets.current.handle('loadParticipants', ({ cursor }) => {
      // A delta between the resync and its page: user 4 joins.
      sockets.current.serverEmit('participantsDelta', { roomId: 5, joined: [{ userId: 4, username: 'user4', role: 'speaker' }], left: [], changed: [] });
      return ok({ roomId: 5, participants: joinData([1, 3]).participants.filter((p) => p.userId > cursor), nextCursor: null });
    });
    sockets.current.serverEmit('participantsResync', { roomId: 5 });
    await flush();
    await flush();
    expect(useCallStore.getState().participants.map((p) => p.userId)).toEqual([1, 3, 4]);
  });

  it('routes chat events to the chat store', async () => {
    await useCallStore.getState().join(5, me, { capture: false });
    await flush();
    const message = { id: 1, roomId: 5, sender: { id: 2, username: 'user2' }, content: 'hi', createdAt: '2026-01-01T00:00:00Z', clientMessageId: 'c1', attachments: [] };
    sockets.current.serverEmit('newMessage', { message });
    expect(useChatStore.getState().items).toEqual([expect.objectContaining({ id: 1, content: 'hi' })]);
  });

  it('re-joins the room after a socket reconnect', async () => {
    await useCallStore.getState().join(5, me, { capture: false });
    await flush();
    const s = sockets.current;
    s.simulateDisconnect();
    s.handle('joinRoom', () => ok(joinData([1, 2])));
    s.simulateConnect();
    await flush();
    expect(s.sent('joinRoom')).toHaveLength(2);
    expect(useCallStore.getState()).toMatchObject({ status: 'joined', rejoining: false });
    expect(useCallStore.getState().participants).toHaveLength(2);
  });

  it('leave tells the server and resets', async () => {
    await useCallStore.getState().join(5, me, { capture: false });
    await useCallStore.getState().leave();
    expect(sockets.current.sent('leaveRoom')).toEqual([{ roomId: 5 }]);
    expect(useCallStore.getState()).toMatchObject({ status: 'left', roomId: null, participants: [] });
    expect(useChatStore.getState().roomId).toBeNull();
  });

  it('a late join answer after leaving is ignored', async () => {
    let answer: (() => void) | null = null;
    sockets.current.handle('joinRoom', () => new Promise((r) => (answer = () => r(ok(joinData([1]))))));
    const p = useCallStore.getState().join(5, me, { capture: false });
    await useCallStore.getState().leave();
    await flush();
    answer!();
    await p;
    expect(useCallStore.getState().status).toBe('left');
  });

  it('without media devices the call goes on with a readable notice', async () => {
    await useCallStore.getState().join(5, me);
    const { local } = useCallStore.getState();
    expect(local.micOn).toBe(false);
    expect(local.error).toMatch(/camera or microphone/);
  });
});

describe('buildTiles', () => {
  const base = {
    self: me,
    participants: joinData([1, 2, 3]).participants,
    remote: {},
    local: { ...useCallStore.getState().local, micOn: true, cameraOn: false },
    activeSpeakerId: null,
  };

  it('puts you first, then the others, with mic/camera state from their tracks', () => {
    const tiles = buildTiles({
      ...base,
      remote: {
        p1: { key: 'p1', userId: 2, source: 'mic', kind: 'audio', paused: false, track: null },
        p2: { key: 'p2', userId: 2, source: 'camera', kind: 'video', paused: false, track: null },
        p3: { key: 'p3', userId: 3, source: 'mic', kind: 'audio', paused: true, track: null },
      },
      activeSpeakerId: 2,
    });
    expect(tiles.map((t) => [t.username, t.isLocal, t.micOff, t.cameraOff, t.speaking])).toEqual([
      ['alice', true, false, true, false],
      ['user2', false, false, false, true],
      ['user3', false, true, true, false],
    ]);
  });

  it('shows screen shares as their own tiles first', () => {
    const tiles = buildTiles({
      ...base,
      local: { ...base.local, sharing: true },
      remote: { s: { key: 's', userId: 3, source: 'screen', kind: 'video', paused: false, track: null } },
    });
    expect(tiles.map((t) => t.key)).toEqual(['local:screen', 'screen:3', 'local:camera', 'user:2', 'user:3']);
  });

  it('drops remote tracks of users who left', () => {
    useCallStore.setState({ participants: base.participants, remote: { x: { key: 'x', userId: 3, source: 'mic', kind: 'audio', paused: false, track: null } } });
    useCallStore.getState().setParticipants(base.participants.slice(0, 2));
    expect(useCallStore.getState().remote).toEqual({});
  });
});
