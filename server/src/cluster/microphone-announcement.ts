import type { Logger } from '../logging/logger.js';
import type { ClusterBus } from './cluster-bus.js';
import type { ProducerDirectory } from './producer-directory.js';

/** How long a new microphone's node waits for its directory entry before telling the others. */
const MICROPHONE_LISTED_TRIES = 20;
const MICROPHONE_LISTED_WAIT_MS = 50;

/**
 * Tells the other nodes about a local microphone once the directory lists it (they read it
 * there and pipe it in for their loudest ranking).
 */
export async function announceMicrophone(
  directory: ProducerDirectory,
  bus: ClusterBus,
  log: Logger,
  roomId: number,
  producerId: string,
): Promise<void> {
  try {
    for (let i = 0; i < MICROPHONE_LISTED_TRIES; i++) {
      if (await directory.find(roomId, producerId)) break;
      await new Promise((r) => setTimeout(r, MICROPHONE_LISTED_WAIT_MS));
    }
    await bus.broadcast('microphone', { roomId, producerId });
  } catch (err) {
    log.warn({ err, roomId, producerId }, 'microphone not announced to the other nodes');
  }
}
