import { Module } from '@nestjs/common';
import { ClusterMediaService } from '../cluster/cluster-media.service.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { MediaEventRelay } from './media-event-relay.js';
import { MediaMembershipService } from './media-membership.service.js';
import { MediaSignalingGateway } from './media-signaling.gateway.js';
import { MediaSignalingService } from './media-signaling.service.js';
import { PeerDirectory } from './peer-directory.js';
import { RoomMediaRegistry } from './room-media-registry.js';

/**
 * SFU signaling (issue 4): the room registry, the socket → peer directory, the membership
 * service (join/leave), the event relay, the request service and its Socket.IO gateway.
 */
@Module({
  imports: [RealtimeModule],
  providers: [
    RoomMediaRegistry,
    PeerDirectory,
    MediaMembershipService,
    MediaEventRelay,
    ClusterMediaService,
    MediaSignalingService,
    MediaSignalingGateway,
  ],
  exports: [MediaSignalingService, RoomMediaRegistry, PeerDirectory, ClusterMediaService],
})
export class MediaSignalingModule {}
