import { NodeEvents } from './node-events.js';
import type { ClusterNodeInfo, ClusterNodeState, NodeLoad, NodeRegistry } from './node-registry.js';

/** A cluster of one: this node, always alive. */
export class MemoryNodeRegistry implements NodeRegistry {
  readonly #events = new NodeEvents(() => undefined);
  readonly #claims = new Map<string, number>();
  #load: () => NodeLoad = () => ({ load: 0, rooms: 0 });

  constructor(readonly self: ClusterNodeInfo) {}

  nodes(): ClusterNodeState[] {
    return [{ ...this.self, ...this.#load(), alive: true, compatible: true }];
  }

  isAlive(nodeId: string): boolean {
    return nodeId === this.self.id;
  }

  refresh(): Promise<void> {
    return Promise.resolve();
  }

  markDraining(): Promise<void> {
    this.self.draining = true;
    return Promise.resolve();
  }

  setLoadProvider(provider: () => NodeLoad): void {
    this.#load = provider;
  }

  onNodeDown(listener: (node: ClusterNodeInfo) => void): () => void {
    return this.#events.on('nodeDown', listener);
  }

  onNodeUp(listener: (node: ClusterNodeInfo) => void): () => void {
    return this.#events.on('nodeUp', listener);
  }

  claimOnce(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    const until = this.#claims.get(key);
    if (until !== undefined && until > now) return Promise.resolve(false);
    this.#claims.set(key, now + ttlMs);
    return Promise.resolve(true);
  }

  close(): void {
    this.#events.clear();
  }
}
