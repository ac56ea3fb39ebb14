/**
 * Behaviours the browser and the Node peer used to implement differently, now one way in the
 * session: consume retries, pruning on reconnect, the werift ICE-restart option, the policies.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { MediaSessionOptions } from '../src/media-session.js';
import { receiveEverything, receiveNothing } from '../src/reception.js';
import { singleLayerProduceOptions } from '../src/produce-options.js';
import { FakeTrack } from '../src/testing/mediasoup-fakes.js';
import { caps, prod, sessionFakes } from './session-fakes.js';

describe('MediaSession, one behaviour for browser and Node peer', () => {
  let fakes: ReturnType<typeof sessionFakes>;
  let sig: ReturnType<typeof sessionFakes>['sig'];
  let sink: ReturnType<typeof sessionFakes>['sink'];
  const transports = () => fakes.transports();
  const session = (extra: Partial<MediaSessionOptions> = {}) =>
    fakes.newSession({ warn: () => {}, ...extra });

  beforeEach(() => {
    fakes = sessionFakes();
    ({ sig, sink } = fakes);
  });

  it('retries a consume that failed for lack of an answer, not one refused with PRODUCER_NOT_FOUND', async () => {
    const s = session();
    sig.refuse.set('consume', 'PRODUCER_NOT_FOUND');
    await s.start({ routerRtpCapabilities: caps, producers: [prod('gone', 2, 'camera')] });
    sig.refuse.delete('consume');
    await new Promise((r) => setTimeout(r, 650));
    await s.idle();
    expect(sig.named('consume')).toHaveLength(1);

    sig.fail.add('consume');
    sig.emit('newProducer', { ...prod('slow', 3, 'camera'), roomId: 5 });
    await s.idle();
    sig.fail.delete('consume');
    await new Promise((r) => setTimeout(r, 650));
    await s.idle();
    expect(sig.named('consume').filter((p) => p.producerId === 'slow')).toHaveLength(2);
    expect(sink.remote.slow!.track).not.toBeNull();
  });

  it('consumes a producer announced before the joinRoom answer that the answer does not list', async () => {
    const s = session();
    s.listen();
    sig.emit('newProducer', { ...prod('early', 2, 'camera'), roomId: 5 });
    await s.start({ routerRtpCapabilities: caps, producers: [prod('listed', 3, 'mic')] });
    expect(sig.named('consume').map((p) => p.producerId)).toEqual(['listed', 'early']);
    expect(sink.remote.early!.track).not.toBeNull();
  });

  it('drops a producer that closed while disconnected when the kept media is resumed', async () => {
    const s = session();
    await s.start({
      routerRtpCapabilities: caps,
      producers: [prod('p2cam', 2, 'camera'), prod('p3cam', 3, 'camera')],
    });
    const [send, recv] = transports();
    const consumerOf = (pid: string) => recv!.consumers.find((c) => c.producerId === pid)!;
    s.markResync();
    await s.reconnect({
      routerRtpCapabilities: caps,
      producers: [prod('p2cam', 2, 'camera')],
      resumedMedia: {
        transportIds: [send!.id, recv!.id],
        producerIds: [],
        consumerIds: [consumerOf('p2cam').id, consumerOf('p3cam').id],
      },
    });
    expect(Object.keys(sink.remote)).toEqual(['p2cam']);
    expect(consumerOf('p3cam').closed).toBe(true);
    expect([...s.consumers.keys()]).toEqual(['p2cam']);
  });

  it('with sendIceRestartOnlyWhenBroken, a connected send transport keeps its ICE on reconnect', async () => {
    const s = session({ sendIceRestartOnlyWhenBroken: true });
    await s.start({ routerRtpCapabilities: caps, producers: [] });
    const [send, recv] = transports();
    send!.setState('connected');
    const resumedMedia = { transportIds: [send!.id, recv!.id], producerIds: [], consumerIds: [] };
    await s.reconnect({ routerRtpCapabilities: caps, producers: [], resumedMedia });
    expect(sig.named('restartIce')).toEqual([{ transportId: recv!.id }]);
    send!.setState('disconnected');
    await s.reconnect({ routerRtpCapabilities: caps, producers: [], resumedMedia });
    expect(sig.named('restartIce').slice(1)).toEqual([{ transportId: send!.id }, { transportId: recv!.id }]);
  });

  it('receive everything: resumed, no layer chosen; receive nothing: not consumed', async () => {
    const all = session({ reception: receiveEverything, produceOptions: singleLayerProduceOptions });
    await all.setSource('camera', new FakeTrack('video') as unknown as MediaStreamTrack);
    await all.start({
      routerRtpCapabilities: caps,
      producers: [prod('p2cam', 2, 'camera'), prod('p2scr', 2, 'screen')],
    });
    await all.setViewports({ 'user:2': { visible: false, width: 0, height: 0 } });
    expect(sig.named('resumeConsumer')).toHaveLength(2);
    expect(sig.named('setConsumerLayers')).toEqual([]);
    expect(sig.named('pauseConsumer')).toEqual([]);
    expect(transports()[0]!.produce.mock.calls[0]![0].encodings).toBeUndefined();
    all.close();

    const none = session({ reception: receiveNothing });
    await none.start({ routerRtpCapabilities: caps, producers: [prod('p2cam', 2, 'camera')] });
    expect(sig.named('consume')).toHaveLength(2);
  });
});
