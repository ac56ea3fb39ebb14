import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { BoundedIoAdapter } from './bounded-io-adapter.js';
import { RedisIoAdapter } from './redis-io-adapter.js';

/**
 * With REDIS_URL, Socket.IO broadcasts cross processes through Redis; without it, the default
 * in-memory adapter. Both bound the frame size (BoundedIoAdapter).
 */
export async function configureRealtime(app: INestApplication, config: AppConfig): Promise<void> {
  if (!config.redisUrl) {
    app.useWebSocketAdapter(new BoundedIoAdapter(app));
    return;
  }
  const adapter = new RedisIoAdapter(
    app,
    config.redisUrl,
    config.redisKeyPrefix,
    app.get<Logger>(ROOT_LOGGER).child({ context: 'realtime' }),
  );
  await adapter.connect();
  app.useWebSocketAdapter(adapter);
}
