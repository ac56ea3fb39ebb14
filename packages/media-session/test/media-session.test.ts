import { beforeEach, describe, expect, it } from 'vitest';
import type { MediaSession } from '../src/media-session.js';
import { CAMERA_ENCODINGS } from '../src/produce-options.js';
import { FakeTrack } from '../src/testing/mediasoup-fakes.js';
import { caps, prod, sessionFakes } from './session-fakes.js';

describe('MediaSession', () => {
  let fakes: ReturnType<typeof sessionFakes>;
  let sig: ReturnType<typeof sessionFakes>['sig'];
  let sink: ReturnType<typeof sessionFakes>['sink'];
  let dev: ReturnType<typeof sessionFakes>['dev'];
  let session: MediaSession;
  const transports = () => fakes.transports();

  beforeEach(() => {
    fakes = sessionFakes();
    ({ sig, sink, dev } = fakes);
    // Everything received: these tests are about the session's mechanics; the browser's
    // receive-what-you-show policy has its own tests (reception.test.ts).
    session = fakes.newSession();
  });

  it('loads the device, makes a send and a recv transport and consumes existing producers', async () => {
    await session.start({
      routerRtpCapabilities: caps,
      producers: [prod('p2mic', 2, 'mic'), prod('p2cam-off', 2, 'camera', true), prod('p1cam', 1, 'camera')],
    });
    expect(dev.last().load).toHaveBeenCalledWith({ routerRtpCapabilities: caps });
    expect(sig.named('createWebRtcTransport')).toEqual([
      { roomId: 5, direction: 'send' },
      { roomId: 5, direction: 'recv' },
    ]);
    // Never consumes its own producer.
    expect(sig.named('consume').map((p) => p.producerId)).toEqual(['p2mic', 'p2cam-off']);
    expect(sig.named('connectWebRtcTransport')).toHaveLength(1);
    expect(sink.remote.p2mic).toMatchObject({ userId: 2, source: 'mic', kind: 'audio', paused: false });
    expect(sink.remote.p2mic!.track).not.toBeNull();
    expect(sink.remote['p2cam-off']).toMatchObject({ paused: true });
    // Consumers start paused server-side: resumed.
    expect(sig.named('resumeConsumer')).toHaveLength(2);
  });

  it('produces mic and a simulcast camera; mute and camera-off pause the producers', async () => {
    const mic = new FakeTrack('audio');
    const cam = new FakeTrack('video');
    void session.setSource('mic', mic as unknown as MediaStreamTrack);
    void session.setSource('camera', cam as unknown as MediaStreamTrack);
    await session.start({ routerRtpCapabilities: caps, producers: [] });
    expect(sig.named('produce').map((p) => [p.kind, p.source, p.transportId])).toEqual([
      ['audio', 'mic', 't1-send'],
      ['video', 'camera', 't1-send'],
    ]);
    const send = transports()[0]!;
    expect(send.produce.mock.calls[1]![0].encodings).toEqual(CAMERA_ENCODINGS);

    await session.setSource('mic', mic as unknown as MediaStreamTrack, true);
    expect(sig.named('pauseProducer')).toEqual([{ producerId: 'own-mic-2' }]);
    await session.setSource('mic', mic as unknown as MediaStreamTrack, false);
    expect(sig.named('resumeProducer')).toEqual([{ producerId: 'own-mic-2' }]);

    // Camera off: the track is released, the producer pauses; on again: new track, resumed.
    await session.setSource('camera', null, true);
    expect(send.producers[1]!.track).toBeNull();
    expect(sig.named('pauseProducer')).toHaveLength(2);
    const cam2 = new FakeTrack('video');
    await session.setSource('camera', cam2 as unknown as MediaStreamTrack);
    expect(send.producers[1]!.track).toBe(cam2);
    expect(sig.named('resumeProducer')).toHaveLength(2);
    expect(sig.named('produce')).toHaveLength(2);
  });

  it("a moderator's mute, then an unmute before the queue reached the mute: the server is told to resume", async () => {
    const mic = new FakeTrack('audio');
    void session.setSource('mic', mic as unknown as MediaStreamTrack);
    await session.start({ routerRtpCapabilities: caps, producers: [] });
    // moderatorMuted: the server has paused the producer; the user unmutes straight away.
    session.sourcePausedByServer('mic');
    const muted = session.setSource('mic', mic as unknown as MediaStreamTrack, true);
    const unmuted = session.setSource('mic', mic as unknown as MediaStreamTrack, false);
    await Promise.all([muted, unmuted]);
    expect(sig.named('resumeProducer')).toEqual([{ producerId: 'own-mic-2' }]);
    expect(transports()[0]!.producers[0]!.paused).toBe(false);
    // Told once: a later wanted-on changes nothing.
    await session.setSource('mic', mic as unknown as MediaStreamTrack, false);
    expect(sig.named('resumeProducer')).toHaveLength(1);
  });

  it("a moderator's mute the user keeps: paused locally and on the server", async () => {
    const mic = new FakeTrack('audio');
    void session.setSource('mic', mic as unknown as MediaStreamTrack);
    await session.start({ routerRtpCapabilities: caps, producers: [] });
    session.sourcePausedByServer('mic');
    await session.setSource('mic', mic as unknown as MediaStreamTrack, true);
    expect(transports()[0]!.producers[0]!.paused).toBe(true);
    expect(sig.named('resumeProducer')).toEqual([]);
  });

  it('a mic wanted off from the start (joining muted) is produced paused on the server', async () => {
    const mic = new FakeTrack('audio');
    void session.setSource('mic', mic as unknown as MediaStreamTrack, true);
    await session.start({ routerRtpCapabilities: caps, producers: [] });
    expect(sig.named('produce')).toEqual([expect.objectContaining({ source: 'mic', paused: true })]);
    await session.setSource('mic', mic as unknown as MediaStreamTrack, false);
    expect(sig.named('resumeProducer')).toEqual([{ producerId: 'own-mic-2' }]);
  });

  it('switches devices with replaceTrack and shares the screen as its own producer', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [] });
    await session.setSource('mic', new FakeTrack('audio') as unknown as MediaStreamTrack);
    const other = new FakeTrack('audio');
    await session.setSource('mic', other as unknown as MediaStreamTrack);
    const send = transports()[0]!;
    expect(send.producers[0]!.replaceTrack).toHaveBeenCalledWith({ track: other });
    expect(sig.named('produce')).toHaveLength(1);

    await session.setSource('screen', new FakeTrack('video') as unknown as MediaStreamTrack);
    expect(sig.named('produce')[1]).toMatchObject({ source: 'screen', kind: 'video' });
    await session.setSource('screen', null);
    expect(sig.named('closeProducer')).toEqual([{ producerId: 'own-screen-2' }]);
    expect(send.producers[1]!.closed).toBe(true);
  });

  it('follows newProducer, producerPaused/Resumed/Closed, consumerClosed and activeSpeaker', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [] });
    sig.emit('newProducer', { ...prod('p3cam', 3, 'camera'), roomId: 5 });
    sig.emit('newProducer', { ...prod('p3scr', 3, 'screen'), roomId: 5 });
    await session.idle();
    expect(Object.keys(sink.remote).sort()).toEqual(['p3cam', 'p3scr']);
    sig.emit('producerPaused', { roomId: 5, producerId: 'p3cam' });
    expect(sink.remote.p3cam!.paused).toBe(true);
    sig.emit('producerResumed', { roomId: 5, producerId: 'p3cam' });
    expect(sink.remote.p3cam!.paused).toBe(false);
    const consumers = transports()[1]!.consumers;
    sig.emit('producerClosed', { roomId: 5, producerId: 'p3scr' });
    expect(sink.remote.p3scr).toBeUndefined();
    expect(consumers.find((c) => c.producerId === 'p3scr')!.closed).toBe(true);
    sig.emit('consumerClosed', { roomId: 5, consumerId: 'x', producerId: 'p3cam' });
    expect(sink.remote).toEqual({});
    sig.emit('activeSpeaker', { roomId: 5, userId: 3 });
    sig.emit('activeSpeaker', { roomId: 6, userId: 9 });
    expect(sink.speaker).toBe(3);
  });

  it('a producer paused while our consumer of it is being set up stays paused (the consume answer is older)', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [] });
    const request = sig.signaling.request;
    // The server answers consume (not paused yet), then the producer is paused before the answer is used.
    sig.signaling.request = (async (event: string, payload: Record<string, unknown>) => {
      const answer = await (request as (e: string, p: Record<string, unknown>) => Promise<unknown>)(event, payload);
      if (event === 'consume') sig.emit('producerPaused', { roomId: 5, producerId: payload.producerId });
      return answer;
    }) as typeof request;
    sig.emit('newProducer', { ...prod('p7mic', 7, 'mic'), roomId: 5 });
    await session.idle();
    expect(sig.named('consume').map((p) => p.producerId)).toEqual(['p7mic']);
    expect(sink.remote.p7mic).toMatchObject({ paused: true });
  });

  it('starts from the join answer\'s active speaker (the event only reports changes), and after a reconnect', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [], activeSpeakerUserId: 4 });
    expect(sink.speaker).toBe(4);
    const [send, recv] = transports();
    await session.reconnect({
      routerRtpCapabilities: caps,
      producers: [],
      resumedMedia: { transportIds: [send!.id, recv!.id], producerIds: [], consumerIds: [] },
      activeSpeakerUserId: null,
    });
    expect(sink.speaker).toBeNull();
  });

  it('drops a consume whose producer closed while it was in flight', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [] });
    sig.emit('newProducer', { ...prod('p4cam', 4, 'camera'), roomId: 5 });
    sig.emit('producerClosed', { roomId: 5, producerId: 'p4cam' });
    await session.idle();
    expect(sink.remote).toEqual({});
    expect(transports()[1]!.consumers.every((c) => c.closed)).toBe(true);
  });

  it('on reconnect with kept media restarts ICE on both transports and keeps its producers', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [prod('p2cam', 2, 'camera')] });
    await session.setSource('mic', new FakeTrack('audio') as unknown as MediaStreamTrack);
    const [send, recv] = transports();
    await session.reconnect({
      routerRtpCapabilities: caps,
      producers: [prod('p2cam', 2, 'camera'), prod('p3mic', 3, 'mic')],
      resumedMedia: {
        transportIds: [send!.id, recv!.id],
        producerIds: ['own-mic-2'],
        consumerIds: [recv!.consumers[0]!.id],
      },
    });
    expect(sig.named('restartIce')).toEqual([{ transportId: send!.id }, { transportId: recv!.id }]);
    expect(send!.restartIce).toHaveBeenCalledWith({
      iceParameters: { usernameFragment: 'u', password: 'p' },
    });
    expect(sig.named('createWebRtcTransport')).toHaveLength(2);
    expect(sig.named('produce')).toHaveLength(1);
    expect(sig.named('consume').map((p) => p.producerId)).toEqual(['p2cam', 'p3mic']);
  });

  it('rebuilds transports, re-produces and re-consumes when the server kept nothing or ICE restart fails', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [prod('p2cam', 2, 'camera')] });
    await session.setSource('mic', new FakeTrack('audio') as unknown as MediaStreamTrack);
    session.markResync();
    await session.reconnect({ routerRtpCapabilities: caps, producers: [prod('p2cam', 2, 'camera')] });
    expect(sig.named('restartIce')).toHaveLength(0);
    expect(sig.named('createWebRtcTransport')).toHaveLength(4);
    expect(sig.named('produce')).toHaveLength(2);
    expect(sig.named('consume')).toHaveLength(2);
    expect(dev.devices[0]!.transports.every((t) => t.closed)).toBe(true);

    const [send, recv] = transports();
    sig.fail.add('restartIce');
    session.markResync();
    await session.reconnect({
      routerRtpCapabilities: caps,
      producers: [],
      resumedMedia: { transportIds: [send!.id, recv!.id], producerIds: [], consumerIds: [] },
    });
    expect(sig.named('createWebRtcTransport')).toHaveLength(6);
    expect(sig.named('produce')).toHaveLength(3);
    expect(sink.remote).toEqual({});
  });

  it('reports transport states and the scores that say how the link is: own sending producers, consumed streams', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [prod('p2cam', 2, 'camera')] });
    const mic = new FakeTrack('audio');
    await session.setSource('mic', mic as unknown as MediaStreamTrack);
    const [send, recv] = transports();
    send!.setState('connected');
    recv!.setState('disconnected');
    expect(sink.transportStates).toEqual(['send:connected', 'recv:disconnected']);

    const consumerId = recv!.consumers[0]!.id;
    sig.emit('consumerScore', { roomId: 5, consumerId, score: { score: 3, producerScore: 9 } });
    sig.emit('consumerScore', {
      roomId: 5,
      consumerId: 'someone-else',
      score: { score: 1, producerScore: 1 },
    });
    expect(sink.downlink).toEqual({ p2cam: { score: 3, producerScore: 9 } });
    // Simulcast: the best layer's score.
    sig.emit('producerScore', {
      roomId: 5,
      producerId: 'own-mic-2',
      score: [
        { ssrc: 1, score: 2 },
        { ssrc: 2, score: 7 },
      ],
    });
    expect(sink.uplink).toEqual({ mic: 7 });

    // Paused streams stop counting: a muted mic or a paused remote camera has no meaningful score.
    await session.setSource('mic', mic as unknown as MediaStreamTrack, true);
    expect(sink.uplink.mic).toBeNull();
    sig.emit('producerScore', { roomId: 5, producerId: 'own-mic-2', score: [{ ssrc: 1, score: 0 }] });
    expect(sink.uplink.mic).toBeNull();
    sig.emit('producerPaused', { roomId: 5, producerId: 'p2cam' });
    expect(sink.downlink.p2cam).toBeNull();
    sig.emit('consumerScore', { roomId: 5, consumerId, score: { score: 0, producerScore: 0 } });
    expect(sink.downlink.p2cam).toBeNull();
  });

  it('ICE failure: restarts ICE once, then rebuilds', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [] });
    transports()[0]!.setState('failed');
    await session.idle();
    expect(sig.named('restartIce')).toHaveLength(1);
    transports()[0]!.setState('failed');
    await session.idle();
    expect(sig.named('createWebRtcTransport')).toHaveLength(4);
    transports()[0]!.setState('connected');
    expect(session.status).toBe('connected');
  });

  it('mediaReset: new device with the new capabilities, new transports, consumes the listed producers', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [prod('p2cam', 2, 'camera')] });
    await session.setSource('camera', new FakeTrack('video') as unknown as MediaStreamTrack);
    const caps2 = { codecs: [], headerExtensions: [] };
    sig.emit('mediaReset', {
      roomId: 5,
      reason: 'workerDied',
      routerRtpCapabilities: caps2,
      producers: [prod('q2cam', 2, 'camera')],
    });
    await session.idle();
    expect(dev.devices).toHaveLength(2);
    expect(dev.last().load).toHaveBeenCalledWith({ routerRtpCapabilities: caps2 });
    expect(Object.keys(sink.remote)).toEqual(['q2cam']);
    expect(sig.named('produce')).toHaveLength(2);
  });

  it('mediaReset of this peer only: what the room still sends is consumed again, and a producer announced before the reset is handled survives it', async () => {
    await session.start({
      routerRtpCapabilities: caps,
      producers: [prod('p2cam', 2, 'camera'), prod('p3mic', 3, 'mic')],
    });
    await session.setSource('camera', new FakeTrack('video') as unknown as MediaStreamTrack);
    // Our worker died (user 3's media lived there too); user 2 kept its media. The reset lists p2cam;
    // user 3 has rebuilt already and its new mic is announced before our queue handles the reset.
    sig.emit('mediaReset', {
      roomId: 5,
      reason: 'workerDied',
      routerRtpCapabilities: caps,
      producers: [prod('p2cam', 2, 'camera')],
    });
    sig.emit('newProducer', { ...prod('p3mic-new', 3, 'mic'), roomId: 5 });
    await session.idle();
    expect(Object.keys(sink.remote).sort()).toEqual(['p2cam', 'p3mic-new']);
    expect(sink.remote.p2cam!.track).not.toBeNull();
    expect(sink.remote['p3mic-new']!.track).not.toBeNull();
    const recv = transports().filter((t) => t.direction === 'recv' && !t.closed);
    expect(recv).toHaveLength(1);
    // Both consumed on the new recv transport.
    const consumedOnNew = sig
      .named('consume')
      .filter((c) => c.transportId === recv[0]!.id)
      .map((c) => c.producerId);
    expect(consumedOnNew.sort()).toEqual(['p2cam', 'p3mic-new']);
  });

  it('retries a consume that failed (e.g. an ack timeout) and still consumes the other producers', async () => {
    sig.fail.add('consume');
    const started = session.start({
      routerRtpCapabilities: caps,
      producers: [prod('p2cam', 2, 'camera'), prod('p3cam', 3, 'camera')],
    });
    await started;
    expect(sig.named('consume')).toHaveLength(2);
    sig.fail.delete('consume');
    await new Promise((r) => setTimeout(r, 650));
    await session.idle();
    expect(sig.named('consume')).toHaveLength(4);
    expect(sink.remote.p2cam!.track).not.toBeNull();
    expect(sink.remote.p3cam!.track).not.toBeNull();
  });

  it('close() stops listening and closes everything', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [prod('p2cam', 2, 'camera')] });
    session.close();
    expect(sig.listeners()).toBe(0);
    expect(transports().every((t) => t.closed)).toBe(true);
    sig.emit('newProducer', { ...prod('p9', 9, 'mic'), roomId: 5 });
    await session.idle();
    expect(sig.named('consume')).toHaveLength(1);
  });
});
