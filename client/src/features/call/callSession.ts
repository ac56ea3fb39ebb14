/**
 * One joined call: created by join(), disposed when the call is left or ends. It owns what must
 * end with the call (the room's event subscriptions and the SFU media session); async work that
 * outlives its call sees `disposed` and drops its result.
 */
import type { JoinRoomData, MediaSource } from '@minimeet/shared';
import type { TileViewport } from './layout';
import { joinMediaOf, MediaSession, type MediaDeps, type MediaSink } from './mediaSessionApi';

export interface CallSessionOptions {
  roomId: number;
  selfId: number;
  media: MediaDeps;
  sink: MediaSink;
}

export class CallSession {
  readonly roomId: number;
  private mediaSession: MediaSession | null;
  private readonly cleanups: Array<() => void> = [];
  private isDisposed = false;

  constructor(opts: CallSessionOptions) {
    this.roomId = opts.roomId;
    this.mediaSession = new MediaSession({
      roomId: opts.roomId,
      selfId: opts.selfId,
      signaling: opts.media.signaling,
      createDevice: opts.media.createDevice,
      sink: opts.sink,
      devicePixelRatio: () => (typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1),
    });
    // Listening before joinRoom is sent, so no producer announced meanwhile is lost.
    this.mediaSession.listen();
  }

  get disposed(): boolean {
    return this.isDisposed;
  }

  /** The SFU media session; null when the server offers no media or the call is over. */
  get media(): MediaSession | null {
    return this.mediaSession;
  }

  /** Runs `cleanup` when the call is disposed (at once if it already is). */
  own(cleanup: () => void): void {
    if (this.isDisposed) cleanup();
    else this.cleanups.push(cleanup);
  }

  /** After the joinRoom answer: start media, or drop the session when the server has no SFU. */
  startMedia(data: JoinRoomData): void {
    const media = joinMediaOf(data);
    if (media && this.mediaSession) void this.mediaSession.start(media);
    else this.closeMedia();
  }

  /** Before joinRoom again after a socket reconnect. */
  markResync(): void {
    this.mediaSession?.markResync();
  }

  /** After the joinRoom answer of a rejoin: resume or rebuild the media. */
  reconnectMedia(data: JoinRoomData): void {
    if (this.mediaSession) void this.mediaSession.reconnect(joinMediaOf(data));
  }

  /** The wanted state of a local source (see MediaSession.setSource). */
  setSource(source: MediaSource, track: MediaStreamTrack | null, paused: boolean): void {
    void this.mediaSession?.setSource(source, track, paused);
  }

  /** The server paused our producer of `source` (see MediaSession.sourcePausedByServer). */
  sourcePausedByServer(source: MediaSource): void {
    this.mediaSession?.sourcePausedByServer(source);
  }

  /** Whether we may publish (a webinar attendee may not until brought on stage). */
  setCanSend(on: boolean): void {
    if (this.mediaSession && this.mediaSession.canSend !== on) void this.mediaSession.setCanSend(on);
  }

  setViewports(viewports: Record<string, TileViewport>): void {
    void this.mediaSession?.setViewports(viewports);
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.cleanups.splice(0).forEach((cleanup) => cleanup());
    this.closeMedia();
  }

  private closeMedia(): void {
    this.mediaSession?.close();
    this.mediaSession = null;
  }
}
