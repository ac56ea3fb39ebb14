import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '../config/env.schema.js';
import { RedisIoAdapter } from './redis-io-adapter.js';

/** With REDIS_URL, Socket.IO broadcasts cross processes through Redis; without it, the default in-memory adapter. */
export async function configureRealtime(app: INestApplication, config: AppConfig): Promise<void> {
  if (!config.redisUrl) return;
  const adapter = new RedisIoAdapter(app, config.redisUrl, config.redisKeyPrefix);
  await adapter.connect();
  app.useWebSocketAdapter(adapter);
}
