/** The peer's local sources: werift tracks the clip player writes into, one per source. */
import type { MediaSource } from '@minimeet/shared';
import { MediaStreamTrack as WeriftTrack } from 'werift';
import { AUDIO_LEVEL_URI, type ClipPlayer } from './clip-media.js';
import type { SessionProducer } from './received-streams.js';

interface RtpSenderLike {
  onPictureLossIndication: { subscribe(cb: () => void): unknown };
}

export class ClipTracks {
  private readonly tracks = new Map<MediaSource, WeriftTrack>();

  constructor(private readonly player: ClipPlayer) {}

  /** A track for the mic (audio clip) or the camera (video clip). */
  add(source: 'mic' | 'camera'): MediaStreamTrack {
    const track = new WeriftTrack({ kind: source === 'mic' ? 'audio' : 'video' });
    this.tracks.set(source, track);
    if (source === 'mic') this.player.audio = track;
    else this.player.video = track;
    return track as unknown as MediaStreamTrack;
  }

  /** As the session takes it (mediasoup-client's Chrome111 handler on werift's polyfill). */
  trackOf(source: MediaSource): MediaStreamTrack | null {
    return (this.tracks.get(source) as unknown as MediaStreamTrack | undefined) ?? null;
  }

  /** Every source with its track. */
  all(): Array<[MediaSource, MediaStreamTrack]> {
    return [...this.tracks].map(([source, track]) => [source, track as unknown as MediaStreamTrack]);
  }

  /** mediasoup sends PLI when a consumer starts or resumes: the camera answers with a keyframe. */
  producerCreated(source: MediaSource, producer: SessionProducer): void {
    if (source === 'mic') {
      const ext = producer.rtpParameters.headerExtensions?.find((h) => h.uri === AUDIO_LEVEL_URI);
      this.player.audioLevelExtensionId = ext?.id;
      return;
    }
    if (source !== 'camera') return;
    // A new producer starts with every layer wanted, as the server assumes (LayerDemand).
    this.player.videoWanted = true;
    (producer.rtpSender as unknown as RtpSenderLike).onPictureLossIndication.subscribe(() =>
      this.player.requestKeyframe(),
    );
  }
}
