import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ApiKeyStore } from '../api-keys/api-key-store.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { RealtimeServer } from './realtime-server.js';
import { ROLE_SYNC_INTERVAL_MS } from './socket-privileges.js';

/**
 * `npm run admin -- apikey revoke` only writes the row (the CLI has no line to the servers), so
 * every node looks, as often as it syncs roles, whether a key its app-user sockets came with was
 * revoked, and ends those sockets (`sessionEnded { reason: 'revoked' }`). New requests and
 * handshakes are refused at once by the token check itself (AuthService.verifyAccess).
 */
@Injectable()
export class ApiKeyRevocationSweep implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    @Inject(ApiKeyStore) private readonly keys: ApiKeyStore,
    @Inject(RealtimeServer) private readonly realtime: RealtimeServer,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'api-key-revocation' });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), ROLE_SYNC_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** One pass; never rejects (a database outage leaves the sockets until a pass succeeds). */
  async sweep(): Promise<void> {
    if (this.running || !this.realtime.ready) return;
    const sockets = [...this.realtime.io.sockets.sockets.values()].filter((s) => s.data.user?.roomScope?.apiKeyId);
    if (!sockets.length) return;
    this.running = true;
    try {
      const revoked = await this.keys.revokedAmong([...new Set(sockets.map((s) => s.data.user.roomScope!.apiKeyId!))]);
      for (const socket of sockets) {
        const keyId = socket.data.user.roomScope!.apiKeyId!;
        if (!revoked.has(keyId)) continue;
        this.log.info({ socketId: socket.id, userId: socket.data.user.id, apiKeyId: keyId }, 'API key revoked: socket ended');
        socket.emit('sessionEnded', { reason: 'revoked' });
        socket.disconnect(true);
      }
    } catch (err) {
      this.log.warn({ err }, 'API key revocation sweep failed; retried next pass');
    } finally {
      this.running = false;
    }
  }
}
