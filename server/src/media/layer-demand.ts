import type { types } from 'mediasoup';

/** A fall in demand is told only after it held this long: a consumer re-made at once does not flap. */
export const LAYER_DROP_DELAY_MS = 2_000;

/**
 * Which simulcast layers of each video producer anyone consumes, so the sender stops uploading
 * the others (issue 19: a 200-person room must not upload 200 × 3 layers).
 *
 * A consumer wants nothing while it is paused by its receiver, else its preferred spatial layer
 * (the top one when it has none, or the producer has one encoding). A producer's demand is the
 * highest of its consumers' (null: nobody's). `onChange` is called with each change: a rise at
 * once (a viewer is waiting for it), a fall after LAYER_DROP_DELAY_MS if it still holds.
 *
 * Across nodes: a producer sent to another node counts that node's demand too (`sentTo`: the top
 * layer until it reports, `nodeWants`: its report, `notSentTo`: gone). On the receiving node the
 * piped-in producer is tracked like a local one: its `onChange` is that node's report, and
 * `onUnused` (its last consumer closed) lets it unpipe the producer after a linger.
 */
export class LayerDemand {
  readonly #producers = new Map<
    string,
    {
      producer: types.Producer;
      consumers: Set<types.Consumer>;
      /** Demand of other nodes it is sent to: nodeId → their highest wanted layer. */
      remote: Map<string, number | null>;
      /** What the sender was last told; it starts sending every layer. */
      told: number | null;
      timer: NodeJS.Timeout | undefined;
    }
  >();

  constructor(
    private readonly onChange: (producer: types.Producer, maxSpatialLayer: number | null) => void,
    private readonly dropDelayMs = LAYER_DROP_DELAY_MS,
    private readonly onUnused: (producer: types.Producer) => void = () => undefined,
  ) {}

  /** A video producer of the room (local or piped in): its demand is tracked from now on (none yet: a fall is scheduled). */
  track(producer: types.Producer): void {
    if (producer.kind !== 'video' || this.#producers.has(producer.id)) return;
    this.#producers.set(producer.id, {
      producer,
      consumers: new Set(),
      remote: new Map(),
      told: topLayer(producer),
      timer: undefined,
    });
    producer.observer.once('close', () => this.#forget(producer.id));
    this.#update(producer.id);
  }

  /** A consumer of a tracked producer (on any of the room's routers). */
  consumed(consumer: types.Consumer): void {
    const entry = this.#producers.get(consumer.producerId);
    if (!entry) return;
    entry.consumers.add(consumer);
    const update = () => this.#update(consumer.producerId);
    consumer.observer.on('pause', update);
    consumer.observer.on('resume', update);
    consumer.observer.once('close', () => {
      entry.consumers.delete(consumer);
      update();
      if (entry.consumers.size === 0 && !entry.producer.closed) this.onUnused(entry.producer);
    });
    update();
  }

  /** A consumer's preferred layers changed (setPreferredLayers has no observer event). */
  preferredLayersChanged(consumer: types.Consumer): void {
    this.#update(consumer.producerId);
  }

  /** Sent to another node: every layer is wanted there until it reports (`nodeWants`). */
  sentTo(producerId: string, nodeId: string): void {
    const entry = this.#producers.get(producerId);
    if (!entry || entry.remote.has(nodeId)) return;
    entry.remote.set(nodeId, topLayer(entry.producer));
    this.#update(producerId);
  }

  /** The highest layer the consumers on `nodeId` want (null: none), as that node reports it. */
  nodeWants(producerId: string, nodeId: string, maxSpatialLayer: number | null): void {
    const entry = this.#producers.get(producerId);
    if (!entry) return;
    entry.remote.set(nodeId, maxSpatialLayer);
    this.#update(producerId);
  }

  /** No longer sent to `nodeId` (unpiped, pipe closed, node dead): its demand goes. */
  notSentTo(producerId: string, nodeId: string): void {
    const entry = this.#producers.get(producerId);
    if (!entry?.remote.delete(nodeId)) return;
    this.#update(producerId);
  }

  /** Open consumers of the producer on this node (0 for one not tracked). */
  consumerCount(producerId: string): number {
    let n = 0;
    for (const c of this.#producers.get(producerId)?.consumers ?? []) if (!c.closed) n++;
    return n;
  }

  /** The demand now (null: nobody consumes it); undefined for a producer not tracked. */
  wanted(producerId: string): number | null | undefined {
    const entry = this.#producers.get(producerId);
    if (!entry) return undefined;
    const top = topLayer(entry.producer);
    const layers: number[] = [];
    for (const c of entry.consumers)
      if (!c.closed && !c.paused) layers.push(c.preferredLayers?.spatialLayer ?? top);
    for (const layer of entry.remote.values()) if (layer !== null) layers.push(layer);
    return layers.length ? Math.min(Math.max(...layers), top) : null;
  }

  close(): void {
    for (const id of [...this.#producers.keys()]) this.#forget(id);
  }

  #update(producerId: string): void {
    const entry = this.#producers.get(producerId);
    if (!entry) return;
    const want = this.wanted(producerId) ?? null;
    const rank = (v: number | null) => (v === null ? -1 : v);
    if (want === entry.told) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      return;
    }
    if (rank(want) > rank(entry.told)) {
      clearTimeout(entry.timer);
      entry.timer = undefined;
      this.#tell(producerId, want);
      return;
    }
    if (entry.timer) return;
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      const now = this.wanted(producerId);
      if (now !== undefined && now !== entry.told) this.#tell(producerId, now);
    }, this.dropDelayMs);
    entry.timer.unref();
  }

  #tell(producerId: string, maxSpatialLayer: number | null): void {
    const entry = this.#producers.get(producerId);
    if (!entry || entry.producer.closed) return;
    entry.told = maxSpatialLayer;
    this.onChange(entry.producer, maxSpatialLayer);
  }

  #forget(producerId: string): void {
    const entry = this.#producers.get(producerId);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.#producers.delete(producerId);
  }
}

function topLayer(producer: types.Producer): number {
  return Math.max(1, producer.rtpParameters.encodings?.length ?? 1) - 1;
}
