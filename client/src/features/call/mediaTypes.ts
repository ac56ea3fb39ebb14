/** The SFU contract types the media session uses, from @minimeet/shared (issue 4). */
import type { MediaJoinData } from '@minimeet/shared';

export type { MediaKind, MediaSource as MediaSourceName, RemoteProducer as ProducerInfo } from '@minimeet/shared';

/** What joinRoom (or mediaReset) gives the media session. */
export type JoinMedia = Pick<MediaJoinData, 'routerRtpCapabilities' | 'producers' | 'resumedMedia'>;
