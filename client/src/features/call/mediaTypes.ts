/** The SFU contract types the media session uses (defined with the session in @minimeet/media-session). */
export type { JoinMedia, MediaKind, MediaSourceName, ProducerInfo } from '@minimeet/media-session';
