import type { JoinRoomData } from '@minimeet/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectSocket, disconnectSocket, setSocketFactory } from '../../lib/socket';
import { installFakeSockets, ok } from '../../test/fakeSocket';
import { fakeDeviceFactory, FakeTrack } from '@minimeet/media-session/testing';
import { currentMediaSession, setMediaDeps, useCallStore } from './callStore';
import { buildTiles } from './tiles';
import { socketSignaling } from './mediaSessionApi';

const me = { id: 1, username: 'alice', role: 'user' as const };
const joinData = (): JoinRoomData => ({
  room: { id: 5, name: 'Stand-up', ownerId: 1, maxParticipants: 8, visibility: 'public', locked: false, joinMuted: false, allowGuests: false, lobby: 'off', recordingAccess: 'moderators', recording: false, kind: 'meeting', participantCount: 2, createdAt: '2026-01-01T00:00:00Z' },
  participants: [
    { userId: 1, username: 'alice', role: 'speaker' },
    { userId: 2, username: 'bob', role: 'speaker' },
  ],
  participantsCursor: null,
  routerRtpCapabilities: { codecs: [] },
  producers: [
    { producerId: 'b-mic', userId: 2, kind: 'audio', source: 'mic', paused: false },
    { producerId: 'b-cam', userId: 2, kind: 'video', source: 'camera', paused: false },
  ],
});

describe('call store with the media session', () => {
  let sockets: ReturnType<typeof installFakeSockets>;
  const requests: Array<[string, unknown]> = [];
  beforeEach(() => {
    requests.length = 0;
    let n = 0;
    sockets = installFakeSockets((s) => {
      s.handle('joinRoom', () => ok(joinData()));
      s.handle('leaveRoom', ({ roomId }) => ok({ roomId }));
      s.handle('loadMessageHistory', () => ok({ messages: [], hasMore: false }));
      s.handle('createWebRtcTransport', (p) => ok({ id: `t${++n}`, direction: p.direction, iceParameters: { usernameFragment: 'u', password: 'p' }, iceCandidates: [], dtlsParameters: { fingerprints: [] }, iceServers: [], iceTransportPolicy: 'all' }));
      s.handle('connectWebRtcTransport', (p) => ok({ transportId: p.transportId }));
      s.handle('produce', (p) => (requests.push(['produce', p]), ok({ producerId: `own-${p.source}` })));
      s.handle('consume', (p) =>
        ok({ consumerId: `c-${p.producerId}`, producerId: p.producerId, userId: 2, kind: p.producerId.endsWith('mic') ? 'audio' : 'video', source: p.producerId.endsWith('mic') ? 'mic' : 'camera', rtpParameters: { codecs: [] }, type: 'simple', producerPaused: false }),
      );
      for (const e of ['pauseProducer', 'resumeProducer', 'closeProducer'] as const) s.handle(e, (p) => (requests.push([e, p]), ok({ producerId: p.producerId })));
      for (const e of ['pauseConsumer', 'resumeConsumer', 'setConsumerLayers'] as const) s.handle(e, (p) => (requests.push([e, p]), ok({ consumerId: p.consumerId })));
    });
    const dev = fakeDeviceFactory();
    setMediaDeps({ signaling: socketSignaling, createDevice: dev.create });
    connectSocket('tok');
  });
  afterEach(async () => {
    await useCallStore.getState().leave();
    setMediaDeps(null);
    disconnectSocket();
    setSocketFactory(null);
  });

  it('shows remote tracks, mutes through pauseProducer, and shows the others muting', async () => {
    await useCallStore.getState().join(5, me, { capture: false });
    await currentMediaSession()!.idle();
    // Video is received for tiles on screen only (issue 19): Bob's tile reports itself.
    expect(useCallStore.getState().remote['b-cam']?.track).toBeNull();
    useCallStore.getState().reportTileViewport('user:2', { visible: true, width: 300, height: 160 });
    await currentMediaSession()!.idle();
    let s = useCallStore.getState();
    expect(s.remote['b-cam']?.track).toBeTruthy();
    const bob = buildTiles(s).find((t) => t.key === 'user:2')!;
    expect(bob).toMatchObject({ micOff: false, cameraOff: false });
    expect(bob.videoTrack).toBe(s.remote['b-cam']!.track);

    // Own mic: produce, then mute → pauseProducer.
    useCallStore.setState({ local: { ...s.local, micTrack: new FakeTrack('audio') as unknown as MediaStreamTrack, micOn: false } });
    await useCallStore.getState().toggleMic();
    await currentMediaSession()!.idle();
    await useCallStore.getState().toggleMic();
    await currentMediaSession()!.idle();
    expect(requests.filter(([e]) => e !== 'resumeConsumer' && e !== 'setConsumerLayers')).toEqual([
      ['produce', expect.objectContaining({ source: 'mic', kind: 'audio' })],
      ['pauseProducer', { producerId: 'own-mic' }],
    ]);

    sockets.current.serverEmit('producerPaused', { roomId: 5, producerId: 'b-mic' });
    sockets.current.serverEmit('activeSpeaker', { roomId: 5, userId: 2 });
    s = useCallStore.getState();
    expect(buildTiles(s).find((t) => t.key === 'user:2')).toMatchObject({ micOff: true, speaking: true });
    sockets.current.serverEmit('producerClosed', { roomId: 5, producerId: 'b-cam' });
    expect(buildTiles(useCallStore.getState()).find((t) => t.key === 'user:2')).toMatchObject({ cameraOff: true, videoTrack: null });
  });

  it('pauses the consumer of a tile that scrolls out of view', async () => {
    await useCallStore.getState().join(5, me, { capture: false });
    await currentMediaSession()!.idle();
    useCallStore.getState().reportTileViewport('user:2', { visible: true, width: 300, height: 160 });
    await currentMediaSession()!.idle();
    useCallStore.getState().reportTileViewport('user:2', { visible: false, width: 300, height: 160 });
    await currentMediaSession()!.idle();
    expect(requests).toContainEqual(['pauseConsumer', { consumerId: 'c-b-cam' }]);
    expect(requests).not.toContainEqual(['pauseConsumer', { consumerId: 'c-b-mic' }]);
  });

  it('a moderator mute takes the toggles\' path: the camera is released, its producer pauses and keeps its id', async () => {
    await useCallStore.getState().join(5, me, { capture: false });
    await currentMediaSession()!.idle();
    const camera = new FakeTrack('video');
    useCallStore.getState().setLocalSource('camera', camera as unknown as MediaStreamTrack, true);
    await currentMediaSession()!.idle();

    sockets.current.serverEmit('moderatorMuted', { roomId: 5, source: 'camera', byUserId: 2, byUsername: 'bob' });
    await currentMediaSession()!.idle();
    expect(useCallStore.getState()).toMatchObject({
      local: { cameraOn: false, cameraTrack: null },
      notice: 'The host (bob) turned off your camera.',
    });
    expect(camera.readyState).toBe('ended');

    useCallStore.getState().setLocalSource('camera', new FakeTrack('video') as unknown as MediaStreamTrack, true);
    await currentMediaSession()!.idle();
    expect(requests.filter(([e]) => e === 'produce' || e.endsWith('Producer'))).toEqual([
      ['produce', expect.objectContaining({ source: 'camera', kind: 'video' })],
      ['pauseProducer', { producerId: 'own-camera' }],
      ['resumeProducer', { producerId: 'own-camera' }],
    ]);
  });

  it('leaving disposes the call: its media session closes and its room events no longer reach the store', async () => {
    await useCallStore.getState().join(5, me, { capture: false });
    const media = currentMediaSession()!;
    await media.idle();
    await useCallStore.getState().leave();
    expect(media.status).toBe('closed');
    expect(currentMediaSession()).toBeNull();
    sockets.current.serverEmit('participantsDelta', { roomId: 5, joined: [{ userId: 3, username: 'carol', role: 'speaker' }], left: [], changed: [] });
    sockets.current.serverEmit('newProducer', { roomId: 5, producerId: 'b-screen', userId: 2, kind: 'video', source: 'screen', paused: false });
    expect(useCallStore.getState()).toMatchObject({ status: 'left', participants: [], remote: {} });
  });
});
