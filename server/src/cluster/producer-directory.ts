import type { types } from 'mediasoup';
import type { Source } from '../media/peer-media.js';
import type { ClusterNodeState, NodeRegistry } from './node-registry.js';

/** Injection token for the ProducerDirectory (Redis when REDIS_URL is set, else in-process). */
export const PRODUCER_DIRECTORY = Symbol('PRODUCER_DIRECTORY');

/** One producer of a room, wherever in the cluster it lives. */
export interface DirectoryProducer {
  producerId: string;
  /** Node whose router holds the producer (where it is piped from). */
  nodeId: string;
  /** That node's boot: a restarted node's old producers are swept by this. */
  bootId: string;
  userId: number;
  kind: types.MediaKind;
  source: Source;
  paused: boolean;
}

/**
 * Every room's producers across the cluster. The producing node writes an entry before it
 * announces the producer (`newProducer`), updates it on pause/resume and removes it on close;
 * the entries of a dead node's boot are removed by whichever node wins the sweep.
 */
export interface ProducerDirectory {
  add(roomId: number, entry: DirectoryProducer): Promise<void>;
  setPaused(roomId: number, producerId: string, paused: boolean): Promise<void>;
  remove(roomId: number, producerId: string): Promise<void>;
  list(roomId: number): Promise<DirectoryProducer[]>;
  find(roomId: number, producerId: string): Promise<DirectoryProducer | undefined>;
  /** Every entry written by that boot of that node (e.g. to put this node's entries right after an outage). */
  listBoot(nodeId: string, bootId: string): Promise<DirectoryRef[]>;
  /** Removes every entry written by that boot of that node; returns what it removed. */
  removeBoot(nodeId: string, bootId: string): Promise<DirectoryRef[]>;
}

/** Where an entry is: its room and producer. */
export interface DirectoryRef {
  roomId: number;
  producerId: string;
}

/**
 * Whether an entry's producer can still be consumed: its node's boot is the one alive now, and
 * speaks a compatible protocol. A node not seen by this node's registry yet (just started) counts
 * as alive; a dead boot's entries wait for the sweep.
 */
export function isLiveEntry(nodes: readonly ClusterNodeState[], entry: DirectoryProducer): boolean {
  const node = nodes.find((n) => n.id === entry.nodeId);
  return !node || (node.alive && node.compatible && node.bootId === entry.bootId);
}

/**
 * The entries whose node boot is alive. An entry naming a boot other than the one this node knows
 * may come from a node that restarted since the last poll: the registry is read again once.
 */
export async function liveEntries(
  registry: Pick<NodeRegistry, 'nodes' | 'refresh'>,
  entries: DirectoryProducer[],
): Promise<DirectoryProducer[]> {
  const unseenBoot = (nodes: readonly ClusterNodeState[]) =>
    entries.some((e) => nodes.some((n) => n.id === e.nodeId && n.bootId !== e.bootId));
  if (unseenBoot(registry.nodes())) await registry.refresh();
  const nodes = registry.nodes();
  return entries.filter((e) => isLiveEntry(nodes, e));
}

export function parseDirectoryProducer(raw: string | null | undefined): DirectoryProducer | undefined {
  if (!raw) return undefined;
  try {
    const e = JSON.parse(raw) as Partial<DirectoryProducer>;
    if (typeof e.producerId !== 'string' || typeof e.nodeId !== 'string') return undefined;
    if (e.kind !== 'audio' && e.kind !== 'video') return undefined;
    if (e.source !== 'mic' && e.source !== 'camera' && e.source !== 'screen') return undefined;
    return {
      producerId: e.producerId,
      nodeId: e.nodeId,
      bootId: typeof e.bootId === 'string' ? e.bootId : '',
      userId: Number(e.userId),
      kind: e.kind,
      source: e.source,
      paused: e.paused === true,
    };
  } catch {
    return undefined;
  }
}
