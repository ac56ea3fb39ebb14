import { randomUUID } from 'node:crypto';
import { PROTOCOL_VERSION } from '@minimeet/shared';
import { networkInterfaces } from 'node:os';
import {
  Global,
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ROOT_LOGGER } from '../logging/logger.module.js';
import type { Logger } from '../logging/logger.js';
import { chooseAnnouncedAddress } from '../media/announced-address.js';
import { REDIS, type RedisOrNull } from '../redis/redis.module.js';
import { CLUSTER_BUS, type ClusterBus } from './cluster-bus.js';
import { CLUSTER_LOCKS, LocalClusterLocks, RedisClusterLocks, type ClusterLocks } from './cluster-lock.js';
import { MemoryClusterBus } from './memory-cluster-bus.js';
import { MemoryNodeRegistry } from './memory-node-registry.js';
import { NODE_REGISTRY, type ClusterNodeInfo, type NodeRegistry } from './node-registry.js';
import { RedisClusterBus } from './redis-cluster-bus.js';
import { RedisNodeRegistry } from './redis-node-registry.js';
import { MemoryProducerDirectory } from './memory-producer-directory.js';
import { PRODUCER_DIRECTORY, type ProducerDirectory } from './producer-directory.js';
import { RedisProducerDirectory } from './redis-producer-directory.js';

/**
 * This node's place in the cluster: the node registry (who is alive) and the bus (requests and
 * broadcasts between nodes). Backed by Redis when REDIS_URL is set; otherwise a cluster of one.
 */
@Global()
@Module({
  providers: [
    {
      provide: NODE_REGISTRY,
      inject: [APP_CONFIG, REDIS, ROOT_LOGGER],
      useFactory: (config: AppConfig, redis: RedisOrNull, logger: Logger): NodeRegistry => {
        const { nodeId, nodeTtlMs, pipe, publicUrl } = config.cluster;
        const self: ClusterNodeInfo = {
          id: nodeId,
          bootId: randomUUID(),
          pipeAddress:
            chooseAnnouncedAddress(pipe.listenIp, pipe.announcedAddress, networkInterfaces()).address ??
            pipe.listenIp,
          protocolVersion: PROTOCOL_VERSION,
          startedAt: Date.now(),
          load: 0,
          rooms: 0,
          ...(publicUrl ? { publicUrl } : {}),
          draining: false,
        };
        const log = logger.child({ context: 'cluster', nodeId });
        return redis
          ? new RedisNodeRegistry(self, redis, config.redisKeyPrefix, nodeTtlMs, log)
          : new MemoryNodeRegistry(self);
      },
    },
    {
      provide: CLUSTER_LOCKS,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: RedisOrNull): ClusterLocks =>
        redis ? new RedisClusterLocks(redis, config.redisKeyPrefix) : new LocalClusterLocks(),
    },
    {
      provide: CLUSTER_BUS,
      inject: [APP_CONFIG, REDIS, ROOT_LOGGER],
      useFactory: async (config: AppConfig, redis: RedisOrNull, logger: Logger): Promise<ClusterBus> => {
        const { nodeId, requestTimeoutMs } = config.cluster;
        const log = logger.child({ context: 'cluster-bus', nodeId });
        return redis
          ? RedisClusterBus.create({
              nodeId,
              redis,
              keyPrefix: config.redisKeyPrefix,
              timeoutMs: requestTimeoutMs,
              log,
            })
          : new MemoryClusterBus(nodeId, log);
      },
    },
    {
      provide: PRODUCER_DIRECTORY,
      inject: [APP_CONFIG, REDIS],
      useFactory: (config: AppConfig, redis: RedisOrNull): ProducerDirectory =>
        redis ? new RedisProducerDirectory(redis, config.redisKeyPrefix) : new MemoryProducerDirectory(),
    },
  ],
  exports: [NODE_REGISTRY, CLUSTER_BUS, CLUSTER_LOCKS, PRODUCER_DIRECTORY],
})
export class ClusterModule implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log: Logger;

  constructor(
    @Inject(NODE_REGISTRY) private readonly registry: NodeRegistry,
    @Inject(CLUSTER_BUS) private readonly bus: ClusterBus,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ context: 'cluster' });
  }

  async onModuleInit() {
    this.bus.handle('ping', async ({ sentAt }) => ({ nodeId: this.bus.nodeId, sentAt }));
    if (this.registry instanceof RedisNodeRegistry) {
      await this.registry.start();
      this.log.info(
        {
          nodeId: this.registry.self.id,
          bootId: this.registry.self.bootId,
          pipeAddress: this.registry.self.pipeAddress,
        },
        'joined the cluster',
      );
    }
  }

  /** Every module has subscribed to node events by now: the first poll may report leftovers. */
  onApplicationBootstrap() {
    if (this.registry instanceof RedisNodeRegistry) this.registry.startWatching();
  }

  async beforeApplicationShutdown() {
    if (this.registry instanceof RedisNodeRegistry) await this.registry.stop();
    else if (this.registry instanceof MemoryNodeRegistry) this.registry.close();
    if (this.bus instanceof RedisClusterBus) await this.bus.close();
    else if (this.bus instanceof MemoryClusterBus) this.bus.close();
  }
}
