/**
 * Issue 19 item 3, the browser's side of "receive what you show": video only for the tiles the UI
 * reports (page + speaker tile), at the layer the tile's size needs, paused when it leaves the
 * page and closed after a delay; audio only for the server's K loudest; the sender disables the
 * simulcast layers nobody consumes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MediaSession } from '../src/media-session.js';
import { spatialLayerFor, viewportReception } from '../src/reception.js';
import { FakeTrack, type FakeProducer } from '../src/testing/mediasoup-fakes.js';
import { caps, prod, sessionFakes } from './session-fakes.js';

const CLOSE_AFTER_MS = 5_000;
const shown = (width: number) => ({ visible: true, width, height: Math.round((width * 9) / 16) });

describe('receive what you show', () => {
  let fakes: ReturnType<typeof sessionFakes>;
  let sig: ReturnType<typeof sessionFakes>['sig'];
  let sink: ReturnType<typeof sessionFakes>['sink'];
  let session: MediaSession;
  const transports = () => fakes.transports();
  const consumed = () =>
    transports()[1]!
      .consumers.filter((c) => !c.closed)
      .map((c) => c.producerId)
      .sort();
  const consumerOf = (pid: string) =>
    transports()[1]!.consumers.find((c) => c.producerId === pid && !c.closed)!;
  /** 8 remote people with camera + mic. */
  const room = Array.from({ length: 8 }, (_, i) => [
    prod(`cam${i + 2}`, i + 2, 'camera'),
    prod(`mic${i + 2}`, i + 2, 'mic'),
  ]).flat();

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    fakes = sessionFakes();
    ({ sig, sink } = fakes);
    session = fakes.newSession({
      reception: viewportReception(),
      closeUnshownAfterMs: CLOSE_AFTER_MS,
      warn: () => {},
    });
  });
  afterEach(() => {
    session.close();
    vi.useRealTimers();
  });

  it('consumes video only for reported visible tiles, at the layer their width needs', async () => {
    await session.start({
      routerRtpCapabilities: caps,
      producers: room,
      audibleProducers: { producerIds: ['mic2', 'mic3', 'mic4', 'mic5'], limit: 3 },
    });
    // No tile reported yet: no video; the 3 loudest microphones only.
    expect(consumed()).toEqual(['mic2', 'mic3', 'mic4']);
    // Page 1: four tiles, one of them large (spotlight).
    await session.setViewports({
      'user:2': shown(1100),
      'user:3': shown(300),
      'user:4': shown(300),
      'user:5': shown(300),
    });
    expect(consumed()).toEqual(['cam2', 'cam3', 'cam4', 'cam5', 'mic2', 'mic3', 'mic4']);
    expect(sig.named('setConsumerLayers')).toContainEqual({
      consumerId: consumerOf('cam2').id,
      spatialLayer: 2,
    });
    expect(sig.named('setConsumerLayers')).toContainEqual({
      consumerId: consumerOf('cam3').id,
      spatialLayer: 0,
    });
    expect(sig.named('resumeConsumer').map((p) => p.consumerId)).toContain(consumerOf('cam5').id);
    expect(sink.remote.cam6!.track).toBeNull();
  });

  it('leaving the page pauses its consumers at once and closes them after the delay; coming back in time resumes', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: room });
    await session.setViewports({ 'user:2': shown(300), 'user:3': shown(300) });
    const cam2 = consumerOf('cam2');
    const cam3 = consumerOf('cam3');
    // Next page: 4 and 5 shown, 2 and 3 no longer reported.
    await session.setViewports({ 'user:4': shown(300), 'user:5': shown(300) });
    expect(
      sig
        .named('pauseConsumer')
        .map((p) => p.consumerId)
        .sort(),
    ).toEqual([cam2.id, cam3.id].sort());
    expect(consumed().filter((id) => id.startsWith('cam'))).toEqual(['cam2', 'cam3', 'cam4', 'cam5']);
    // Back to 3 before the delay: resumed, not re-made.
    await session.setViewports({ 'user:3': shown(300), 'user:4': shown(300), 'user:5': shown(300) });
    expect(sig.named('resumeConsumer').map((p) => p.consumerId)).toContain(cam3.id);
    vi.advanceTimersByTime(CLOSE_AFTER_MS + 1);
    await session.idle();
    // 2 stayed off the page: closed here and on the server; 3 was shown again: kept.
    expect(sig.named('closeConsumer')).toEqual([{ consumerId: cam2.id }]);
    expect(cam2.closed).toBe(true);
    expect(cam3.closed).toBe(false);
    expect(sink.remote.cam2).toMatchObject({ track: null });
    expect(consumed().filter((id) => id.startsWith('cam'))).toEqual(['cam3', 'cam4', 'cam5']);
    // Shown again later: consumed anew.
    await session.setViewports({ 'user:2': shown(300) });
    expect(sig.named('consume').filter((p) => p.producerId === 'cam2')).toHaveLength(2);
  });

  it('a consume refused TOO_MANY_CONSUMERS closes the off-page consumers at once and is asked again', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: room });
    await session.setViewports({ 'user:2': shown(300), 'user:3': shown(300) });
    const cam2 = consumerOf('cam2');
    const cam3 = consumerOf('cam3');
    // The server's cap (VIDEO_CONSUMERS_PER_PEER_MAX) is reached: the next video consume is refused once.
    const request = vi.mocked(sig.signaling.request);
    const real = request.getMockImplementation()!;
    let refused = 0;
    request.mockImplementation((event, payload) =>
      event === 'consume' && refused++ === 0
        ? Promise.reject(
            Object.assign(new Error('consume: TOO_MANY_CONSUMERS'), { code: 'TOO_MANY_CONSUMERS' }),
          )
        : real(event, payload),
    );
    await session.setViewports({ 'user:4': shown(300), 'user:5': shown(300) });
    await session.idle();
    expect(refused).toBeGreaterThan(1);
    // Page 1's consumers were closed before their delay, and page 2 is consumed.
    expect(
      sig
        .named('closeConsumer')
        .map((p) => p.consumerId)
        .sort(),
    ).toEqual([cam2.id, cam3.id].sort());
    expect(consumed().filter((id) => id.startsWith('cam'))).toEqual(['cam4', 'cam5']);
  });

  it('a single-encoding camera (a Node peer) shown is resumed without layers (the server has none to set)', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: [prod('cam9-single', 9, 'camera')] });
    await session.setViewports({ 'user:9': { visible: false, width: 300, height: 169 } });
    await session.setViewports({ 'user:9': shown(1100) });
    expect(consumed()).toEqual(['cam9-single']);
    expect(sig.named('setConsumerLayers')).toEqual([]);
    expect(sig.named('resumeConsumer')).toEqual([{ consumerId: consumerOf('cam9-single').id }]);
  });

  it('a reported but hidden tile (scrolled away) is paused, not consumed anew', async () => {
    await session.start({ routerRtpCapabilities: caps, producers: room });
    await session.setViewports({ 'user:2': { visible: false, width: 300, height: 170 } });
    expect(sig.named('consume').filter((p) => String(p.producerId).startsWith('cam'))).toEqual([]);
  });

  it('hears the K loudest the server names (not its own), switches as they change', async () => {
    await session.setSource('mic', new FakeTrack('audio') as unknown as MediaStreamTrack);
    await session.start({
      routerRtpCapabilities: caps,
      producers: room,
      // Our own microphone ranked first: we hear the next three.
      audibleProducers: { producerIds: ['own-mic-2', 'mic2', 'mic3', 'mic4'], limit: 3 },
    });
    expect(consumed()).toEqual(['mic2', 'mic3', 'mic4']);
    const mic2 = consumerOf('mic2');
    sig.emit('audibleProducers', { roomId: 5, producerIds: ['mic9', 'mic3', 'mic4', 'mic5'], limit: 3 });
    await session.idle();
    expect(consumed()).toEqual(['mic3', 'mic4', 'mic9']);
    expect(sig.named('closeConsumer')).toEqual([{ consumerId: mic2.id }]);
    // The server closing an inaudible consumer keeps the producer known, consumable again.
    const mic9 = consumerOf('mic9');
    sig.emit('consumerClosed', { roomId: 5, consumerId: mic9.id, producerId: 'mic9', reason: 'inaudible' });
    await session.idle();
    expect(mic9.closed).toBe(true);
    expect(sink.remote.mic9).toMatchObject({ track: null });
    sig.emit('audibleProducers', { roomId: 5, producerIds: ['mic9', 'mic3', 'mic4', 'mic5'], limit: 3 });
    await session.idle();
    expect(consumed()).toEqual(['mic3', 'mic4', 'mic9']);
  });

  it('a consume refused NOT_AUDIBLE is not retried (the next audibleProducers decides)', async () => {
    sig.refuse.set('consume', 'NOT_AUDIBLE');
    await session.start({ routerRtpCapabilities: caps, producers: [prod('mic2', 2, 'mic')] });
    vi.advanceTimersByTime(10_000);
    await session.idle();
    expect(sig.named('consume')).toHaveLength(1);
  });

  it('disables the camera layers nobody consumes, and enables them again when asked', async () => {
    await session.setSource('camera', new FakeTrack('video') as unknown as MediaStreamTrack);
    await session.start({ routerRtpCapabilities: caps, producers: [] });
    const camera = transports()[0]!.producers[0] as FakeProducer;
    sig.emit('producerLayersWanted', { roomId: 5, producerId: camera.id, maxSpatialLayer: null });
    await session.idle();
    expect(camera.setMaxSpatialLayer).toHaveBeenLastCalledWith(-1);
    sig.emit('producerLayersWanted', { roomId: 5, producerId: camera.id, maxSpatialLayer: 1 });
    await session.idle();
    expect(camera.setMaxSpatialLayer).toHaveBeenLastCalledWith(1);
    expect(sink.layers).toEqual([
      ['camera', null],
      ['camera', 1],
    ]);
  });

  it('bots (receiveEverything) take every video but still only the loudest microphones', async () => {
    session.close();
    session = fakes.newSession();
    await session.start({
      routerRtpCapabilities: caps,
      producers: room,
      audibleProducers: { producerIds: ['mic7', 'mic8', 'mic9', 'mic2'], limit: 3 },
    });
    expect(consumed().filter((id) => id.startsWith('mic'))).toEqual(['mic7', 'mic8', 'mic9']);
    expect(consumed().filter((id) => id.startsWith('cam'))).toHaveLength(8);
  });

  it('spatial layer by tile width', () => {
    expect([spatialLayerFor(200), spatialLayerFor(360), spatialLayerFor(700), spatialLayerFor(1280)]).toEqual(
      [0, 0, 1, 2],
    );
  });
});
