import type { RemoteProducer } from '@minimeet/shared';
import type { NodeRegistry } from '../cluster/node-registry.js';
import { liveEntries, type ProducerDirectory } from '../cluster/producer-directory.js';
import type { RoomMedia } from '../media/room-media.js';
import { remoteProducer } from './wire-conversion.js';

/**
 * What a peer of `room` on this node can consume (a join answer, a mediaReset): the room's
 * producers cluster-wide from the directory whose node boot is alive, minus this node's that are
 * gone (their directory removal may still be queued) and minus `except` (the peer's own).
 */
export async function consumableProducers(
  directory: ProducerDirectory,
  nodes: NodeRegistry,
  room: RoomMedia,
  except: ReadonlySet<string> = new Set(),
): Promise<RemoteProducer[]> {
  const entries = await liveEntries(nodes, await directory.list(room.roomId));
  const selfId = nodes.self.id;
  return entries
    .filter((e) => !except.has(e.producerId) && (e.nodeId !== selfId || room.producer(e.producerId)?.peer))
    .map(remoteProducer);
}
