import { networkInterfaces } from 'node:os';
import { Global, Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { setLogEventListeners } from 'mediasoup';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import type { Logger } from '../logging/logger.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import { chooseAnnouncedAddress, isLoopbackAddress } from './announced-address.js';
import { WorkerPool } from './worker-pool.js';

/** Provides the WorkerPool (started before the app listens, closed on shutdown). */
@Global()
@Module({
  providers: [
    {
      provide: WorkerPool,
      inject: [APP_CONFIG, ROOT_LOGGER],
      useFactory: (config: AppConfig, logger: Logger) => {
        const log = logger.child({ context: 'media' });
        const { listenIp, announcedAddress } = config.media;
        const choice = chooseAnnouncedAddress(listenIp, announcedAddress, networkInterfaces());
        if (choice.detected) {
          log.info(
            { listenIp, announcedAddress: choice.address },
            "MEDIASOUP_ANNOUNCED_ADDRESS not set: announcing this machine's address in ICE candidates (set it to the public address behind NAT)",
          );
        }
        const announced = choice.address ?? listenIp;
        if (isLoopbackAddress(announced)) {
          log.warn(
            { listenIp, announcedAddress: announced },
            'ICE candidates carry a loopback address: only browsers on this machine can connect, and Firefox cannot at all (it never pairs with loopback candidates); announce a routable address (MEDIASOUP_LISTEN_IP / MEDIASOUP_ANNOUNCED_ADDRESS)',
          );
        }
        return WorkerPool.create({ ...config.media, announcedAddress: choice.address, logger: log });
      },
    },
  ],
  exports: [WorkerPool],
})
export class MediaModule implements OnModuleInit, OnApplicationShutdown {
  private readonly log: Logger;

  constructor(
    @Inject(WorkerPool) private readonly pool: WorkerPool,
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
  }

  onApplicationShutdown() {
    this.pool.close();
    setLogEventListeners();
  }
}
