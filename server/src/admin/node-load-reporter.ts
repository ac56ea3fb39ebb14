import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { NODE_REGISTRY, type NodeRegistry } from '../cluster/node-registry.js';
import { WorkerPool } from '../media/worker-pool.js';
import { MediaSignalingService } from '../media-signaling/media-signaling.service.js';

/**
 * Publishes this node's load with its heartbeat: routers + consumers over its mediasoup
 * workers, and rooms with media here. Read from counters, never from worker requests.
 */
@Injectable()
export class NodeLoadReporter implements OnModuleInit {
  constructor(
    @Inject(NODE_REGISTRY) private readonly registry: NodeRegistry,
    @Inject(WorkerPool) private readonly pool: WorkerPool,
    @Inject(MediaSignalingService) private readonly media: MediaSignalingService,
  ) {}

  onModuleInit() {
    this.registry.setLoadProvider(() => ({
      load: this.pool.workers.reduce((sum, w) => sum + w.load, 0),
      rooms: this.media.activeRooms().length,
    }));
  }
}
