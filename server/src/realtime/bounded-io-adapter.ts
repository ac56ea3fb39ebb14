import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';

/**
 * Largest Socket.IO frame a client may send. The biggest legitimate requests (a browser's
 * rtpCapabilities in `consume`, rtpParameters in `produce`, a chat message) stay below ~20 KB;
 * anything larger makes Socket.IO close that connection.
 */
export const MAX_SOCKET_FRAME_BYTES = 64 * 1024;

/** The Socket.IO adapter of every setup (alone, or as the base of the Redis adapter): frames ≤ 64 KB. */
export class BoundedIoAdapter extends IoAdapter {
  override createIOServer(port: number, options?: ServerOptions): Server {
    const bounded = { ...options, maxHttpBufferSize: MAX_SOCKET_FRAME_BYTES } as ServerOptions;
    return super.createIOServer(port, bounded) as Server;
  }
}
