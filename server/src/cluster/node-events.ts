import { EventEmitter } from 'node:events';
import type { ClusterNodeInfo } from './node-registry.js';

/** nodeUp / nodeDown listeners of a registry; one failing listener does not stop the others. */
export class NodeEvents {
  readonly #emitter = new EventEmitter();

  constructor(private readonly onError: (err: unknown, event: string) => void) {
    this.#emitter.setMaxListeners(0);
  }

  on(event: 'nodeUp' | 'nodeDown', listener: (node: ClusterNodeInfo) => void): () => void {
    this.#emitter.on(event, listener);
    return () => this.#emitter.off(event, listener);
  }

  emit(event: 'nodeUp' | 'nodeDown', node: ClusterNodeInfo): void {
    for (const l of this.#emitter.listeners(event)) {
      try {
        (l as (n: ClusterNodeInfo) => void)(node);
      } catch (err) {
        this.onError(err, event);
      }
    }
  }

  clear(): void {
    this.#emitter.removeAllListeners();
  }
}
