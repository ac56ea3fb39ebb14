import type { INestApplicationContext } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { redisReconnectDelayMs } from '../common/dependency-errors.js';
import type { Server, ServerOptions } from 'socket.io';
import { BoundedIoAdapter } from './bounded-io-adapter.js';

/**
 * Socket.IO across processes: room broadcasts go through Redis pub/sub, so a message sent on
 * one process reaches sockets connected to the others.
 */
export class RedisIoAdapter extends BoundedIoAdapter {
  private pub: Redis | undefined;
  private sub: Redis | undefined;

  constructor(
    app: INestApplicationContext,
    private readonly redisUrl: string,
    private readonly keyPrefix: string,
  ) {
    super(app);
  }

  async connect(): Promise<void> {
    this.pub = new Redis(this.redisUrl, { lazyConnect: true, retryStrategy: redisReconnectDelayMs });
    this.sub = this.pub.duplicate();
    // Outages are logged once by DependencyState, not per reconnect attempt.
    this.pub.on('error', () => undefined);
    this.sub.on('error', () => undefined);
    await Promise.all([this.pub.connect(), this.sub.connect()]);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    if (!this.pub || !this.sub) throw new Error('RedisIoAdapter.connect() must run before the app starts');
    server.adapter(createAdapter(this.pub, this.sub, { key: `${this.keyPrefix}:socket.io` }));
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    await Promise.all([this.pub?.quit().catch(() => undefined), this.sub?.quit().catch(() => undefined)]);
  }
}
