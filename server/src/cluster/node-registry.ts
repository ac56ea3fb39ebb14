/** Injection token for the NodeRegistry (Redis-backed when REDIS_URL is set, else this node alone). */
export const NODE_REGISTRY = Symbol('NODE_REGISTRY');

/** What a node publishes about itself. `bootId` changes on every start of the process. */
export interface ClusterNodeInfo {
  id: string;
  bootId: string;
  /** Address other nodes connect their pipe transports to. */
  pipeAddress: string;
  startedAt: number;
  /** The node's PROTOCOL_VERSION (shared/src/protocol.ts); '' from a node older than versions. */
  protocolVersion: string;
  /** Load figure (mediasoup routers + consumers on the node) and rooms with media, at the last heartbeat. */
  load: number;
  rooms: number;
  /** Where clients reach the node (CLUSTER_PUBLIC_URL); undefined when not configured. */
  publicUrl?: string;
  /** It is stopping (SIGTERM): it takes no new joins and sends its clients elsewhere. */
  draining: boolean;
}

export interface ClusterNodeState extends ClusterNodeInfo {
  /** Its heartbeat is current. */
  alive: boolean;
  /** It speaks a protocol version compatible with this node's; an incompatible node is left alone. */
  compatible: boolean;
}

export interface NodeLoad {
  load: number;
  rooms: number;
}

/**
 * The nodes of the cluster and their liveness. A node heart-beats a key with a TTL; a node whose
 * key lapsed (killed, partitioned) or that came back with a new bootId is reported `nodeDown`
 * (with the boot that died) on every node, once per boot. A restarted node reports its own
 * previous boot as down to itself, so it can sweep its own leftovers. A node whose protocol version
 * is incompatible with this node's is never reported up nor counted alive (nothing is asked of it
 * or piped from it; its death is still reported, so its leftovers are swept).
 */
export interface NodeRegistry {
  readonly self: ClusterNodeInfo;
  /** Every node known at the last poll (this one included), alive or recently dead, compatible or not. */
  nodes(): ClusterNodeState[];
  /** Alive and of a compatible protocol version: a node this node works with. */
  isAlive(nodeId: string): boolean;
  /**
   * Reads the cluster's state now instead of at the next poll: for an entry naming a boot this
   * node has not seen yet (a node that just restarted).
   */
  refresh(): Promise<void>;
  /**
   * This node is stopping: it is published as draining at once (other nodes and the admin view
   * see it within a poll) and stays alive, its media pipes working, until it stops.
   */
  markDraining(): Promise<void>;
  /** Called at each heartbeat for the load figures this node publishes. */
  setLoadProvider(provider: () => NodeLoad): void;
  onNodeDown(listener: (node: ClusterNodeInfo) => void): () => void;
  onNodeUp(listener: (node: ClusterNodeInfo) => void): () => void;
  /**
   * True for exactly one caller per key across the cluster (e.g. which node sweeps a dead node's
   * shared state); the claim lapses after `ttlMs`.
   */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
}
