/**
 * Issue 19 item 3, "unconsumed layers stop", on real mediasoup objects: a 3-layer simulcast VP8
 * producer (the browser's camera) and simulcast consumers on plain transports. The demand the
 * sender is told follows the consumers: none at all → null, a resumed consumer → its preferred
 * layer (the top by default) at once, a lower preference → lowered after the drop delay, the
 * highest of several consumers wins. A producer sent to another node counts that node's demand:
 * every layer until it reports, then its report, none once it is no longer sent there.
 */
import { createWorker, types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@minimeet/test-harness';
import { MEDIA_CODECS } from '../src/media/media-codecs.js';
import { LayerDemand } from '../src/media/layer-demand.js';

const DROP_MS = 150;

describe('LayerDemand on a simulcast producer', () => {
  let worker: types.Worker;
  let router: types.Router;

  beforeAll(async () => {
    worker = await createWorker({ logLevel: 'warn' });
    router = await worker.createRouter({ mediaCodecs: MEDIA_CODECS });
  });
  afterAll(() => worker?.close());

  const simulcastCamera = async () => {
    const send = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' } });
    return send.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
        encodings: [{ ssrc: 111 }, { ssrc: 222 }, { ssrc: 333 }],
      },
    });
  };
  const viewer = async (producer: types.Producer) => {
    const recv = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' } });
    return recv.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities, paused: true });
  };

  it('tells the sender the highest layer anyone consumes, null when nobody does', async () => {
    const producer = await simulcastCamera();
    const told: Array<number | null> = [];
    const demand = new LayerDemand((p, layer) => {
      if (p === producer) told.push(layer);
    }, DROP_MS);
    demand.track(producer);
    const last = (v: number | null) => () => (told.at(-1) === v ? true : undefined);

    // Nobody consumes it: after the drop delay, stop sending.
    await waitFor(last(null), 2000);

    // A consumer made paused wants nothing yet; resumed, its preference (the top layer by default).
    const a = await viewer(producer);
    demand.consumed(a);
    expect(a.type).toBe('simulcast');
    expect(told).toEqual([null]);
    await a.resume();
    await waitFor(last(2), 500);

    // A small tile: layer 0, told only after the delay (a re-layout does not flap the sender).
    await a.setPreferredLayers({ spatialLayer: 0 });
    demand.preferredLayersChanged(a);
    expect(told.at(-1)).toBe(2);
    await waitFor(last(0), 2000);

    // A second viewer at layer 1: the higher one wins, at once.
    const b = await viewer(producer);
    demand.consumed(b);
    await b.setPreferredLayers({ spatialLayer: 1 });
    await b.resume();
    await waitFor(last(1), 500);

    // Paused (tile off the page) and closed consumers want nothing.
    await b.pause();
    await waitFor(last(0), 2000);
    a.close();
    b.close();
    await waitFor(last(null), 2000);

    // Sent to another node: every layer until that node reports its own viewers' demand.
    demand.sentTo(producer.id, 'nodeb');
    await waitFor(last(2), 500);
    expect(demand.wanted(producer.id)).toBe(2);
    demand.nodeWants(producer.id, 'nodeb', 0);
    await waitFor(last(0), 2000);
    // A local viewer at layer 1 and the other node at 0: the higher wins, across nodes too.
    const c = await viewer(producer);
    demand.consumed(c);
    await c.setPreferredLayers({ spatialLayer: 1 });
    await c.resume();
    await waitFor(last(1), 500);
    c.close();
    await waitFor(last(0), 2000);
    // The other node's viewers leave (it reports null), then the pipe goes: nothing is wanted.
    demand.nodeWants(producer.id, 'nodeb', null);
    await waitFor(last(null), 2000);
    demand.nodeWants(producer.id, 'nodeb', 2);
    await waitFor(last(2), 500);
    demand.notSentTo(producer.id, 'nodeb');
    await waitFor(last(null), 2000);
    expect(demand.consumerCount(producer.id)).toBe(0);
    demand.close();
    producer.close();
  });

  it('says when the last consumer of a producer closes (a piped-in one is then unpiped after a linger)', async () => {
    const producer = await simulcastCamera();
    const unused: string[] = [];
    const demand = new LayerDemand(
      () => undefined,
      DROP_MS,
      (p) => unused.push(p.id),
    );
    demand.track(producer);
    const a = await viewer(producer);
    const b = await viewer(producer);
    demand.consumed(a);
    demand.consumed(b);
    expect(demand.consumerCount(producer.id)).toBe(2);
    a.close();
    expect(unused).toEqual([]);
    expect(demand.consumerCount(producer.id)).toBe(1);
    b.close();
    expect(unused).toEqual([producer.id]);
    expect(demand.consumerCount(producer.id)).toBe(0);
    demand.close();
    producer.close();
  });
});
