import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { setLogEventListeners } from 'mediasoup';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import type { Logger } from '../logging/logger.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import { WorkerPool } from './worker-pool.js';

/** Provides the WorkerPool (started before the app listens, closed on shutdown). */
@Global()
@Module({
  providers: [
    {
      provide: WorkerPool,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) =>
        WorkerPool.create({ ...config.media, logger: logger.child({ context: 'media' }) }),
    },
  ],
  exports: [WorkerPool],
})
export class MediaModule implements OnModuleInit, OnApplicationShutdown {
  private readonly log: Logger;

  constructor(
    @Inject(WorkerPool) private readonly pool: WorkerPool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'media' });
  }

  onModuleInit() {
    // mediasoup's own warnings and errors (e.g. worker stderr) go to the structured log too.
    setLogEventListeners({
      onwarn: (namespace, message) => this.log.warn({ namespace }, message),
      onerror: (namespace, message, error) => this.log.error({ namespace, err: error?.message }, message),
    });
    this.log.info(
      { workers: this.pool.workers.map((w) => ({ pid: w.pid, port: w.port })) },
      'mediasoup workers started',
    );
    const { listenIp, announcedAddress } = this.config.media;
    if ((listenIp === '0.0.0.0' || listenIp === '::') && !announcedAddress) {
      this.log.warn(
        { listenIp },
        'MEDIASOUP_ANNOUNCED_ADDRESS is not set: ICE candidates carry the wildcard address and remote clients cannot connect',
      );
    }
  }

  onApplicationShutdown() {
    this.pool.close();
    setLogEventListeners();
  }
}
