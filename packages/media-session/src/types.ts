/** The SFU contract types the media session speaks, from @minimeet/shared, under the names it uses. */
import type { MediaJoinData } from '@minimeet/shared';

export type {
  MediaKind,
  MediaSource as MediaSourceName,
  RemoteProducer as ProducerInfo,
  TransportDirection,
} from '@minimeet/shared';

/** What joinRoom (or mediaReset) gives the media session. */
export type JoinMedia = Pick<
  MediaJoinData,
  'routerRtpCapabilities' | 'producers' | 'resumedMedia' | 'audibleProducers' | 'activeSpeakerUserId'
>;

export type MediaStatus = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

export type TransportConnectionState =
  'new' | 'connecting' | 'connected' | 'disconnected' | 'failed' | 'closed';

/** The media part of a joinRoom answer; null when the server has no SFU (media disabled). */
export function joinMediaOf(data: Partial<JoinMedia>): JoinMedia | null {
  if (!data.routerRtpCapabilities) return null;
  return {
    routerRtpCapabilities: data.routerRtpCapabilities,
    producers: data.producers ?? [],
    ...(data.resumedMedia ? { resumedMedia: data.resumedMedia } : {}),
    ...(data.audibleProducers ? { audibleProducers: data.audibleProducers } : {}),
    ...(data.activeSpeakerUserId !== undefined ? { activeSpeakerUserId: data.activeSpeakerUserId } : {}),
  };
}
