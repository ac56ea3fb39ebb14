import { IoAdapter } from '@nestjs/platform-socket.io';
import { Server, type Namespace, type ServerOptions, type Socket } from 'socket.io';

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

  /*
   * Nest binds one listener per gateway (a dozen): 'connection' on the namespace, 'disconnect' on
   * every socket, past Node's default cap of 10, which then warns of a leak that is not one. Each
   * bind raises the emitter's cap by one, so a real leak still warns.
   */

  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest's own signature
  override bindClientConnect(server: Server | Namespace, callback: Function): void {
    const namespace = server instanceof Server ? server.sockets : server;
    namespace.setMaxListeners(namespace.getMaxListeners() + 1);
    super.bindClientConnect(server, callback);
  }

  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest's own signature
  override bindClientDisconnect(client: Socket, callback: Function): void {
    client.setMaxListeners(client.getMaxListeners() + 1);
    super.bindClientDisconnect(client, callback);
  }
}
