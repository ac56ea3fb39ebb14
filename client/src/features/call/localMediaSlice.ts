/**
 * Your own media: capture at join, the mic/camera/screen toggles, device choice, and the one
 * path (`setLocalSource`) by which any of them, or a moderator's mute, changes a local source in
 * the UI state and on the SFU.
 */
import type { MediaSource } from '@minimeet/shared';
import { describeError } from '../../lib/errors';
import type { CallSession } from './callSession';
import type { CallSlice } from './callState';
import {
  captureCamera,
  captureMic,
  captureMicAndCamera,
  captureScreen,
  MediaAccessError,
  stopTrack,
} from './capture';
import { saveMediaChoices } from './prejoin/mediaChoices';

export interface LocalMedia {
  micTrack: MediaStreamTrack | null;
  cameraTrack: MediaStreamTrack | null;
  screenTrack: MediaStreamTrack | null;
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  /** Capture in progress (a permission prompt may be open). */
  busy: boolean;
  micDeviceId: string | null;
  cameraDeviceId: string | null;
  speakerDeviceId: string | null;
  /** Last capture problem, readable (camera denied, no microphone…). */
  error: string | null;
}

/** Mic and camera made ready before joining (the pre-join screen), taken over by the call as they are. */
export interface PreparedMedia {
  /** Kept while off (disabled), like the call's own muted mic. */
  micTrack: MediaStreamTrack | null;
  /** Null when the camera is off. */
  cameraTrack: MediaStreamTrack | null;
  micOn: boolean;
  cameraOn: boolean;
  micDeviceId: string | null;
  cameraDeviceId: string | null;
  speakerDeviceId: string | null;
}

export interface LocalMediaSlice {
  local: LocalMedia;
  /**
   * The one way a local source changes: its track (null = released) and whether it is on. Stops
   * a replaced track, updates the UI state and tells the SFU.
   */
  setLocalSource(source: MediaSource, track: MediaStreamTrack | null, on: boolean): void;
  /** Off: the mic keeps its (disabled) track; camera and screen release theirs. */
  switchOff(source: MediaSource): void;
  /**
   * Mic and camera at the start of a call, with one permission prompt. `micOff`: the mic track is
   * captured but starts muted (a join-muted room, or chosen); `cameraOff`: the camera is not
   * started (its light stays off) until turned on.
   */
  captureForCall(opts?: { micOff?: boolean; cameraOff?: boolean }): Promise<void>;
  /**
   * Instead of captureForCall: the tracks and devices chosen before joining. `micOff`: a join-muted
   * room starts the mic off whatever was chosen.
   */
  adoptPrepared(prepared: PreparedMedia, opts?: { micOff?: boolean }): Promise<void>;
  /** Stops every local track and forgets them (devices chosen too). */
  releaseLocal(): void;
  toggleMic(): Promise<void>;
  toggleCamera(): Promise<void>;
  toggleScreenShare(): Promise<void>;
  selectDevice(kind: 'mic' | 'camera' | 'speaker', deviceId: string): Promise<void>;
  dismissMediaError(): void;
}

export const initialLocal: LocalMedia = {
  micTrack: null,
  cameraTrack: null,
  screenTrack: null,
  micOn: false,
  cameraOn: false,
  sharing: false,
  busy: false,
  micDeviceId: null,
  cameraDeviceId: null,
  speakerDeviceId: null,
  error: null,
};

/**
 * Where each source lives in `LocalMedia`, and whether it keeps its producer (paused) while off:
 * a muted mic or camera resumes under the same producer id; a stopped screen share is closed.
 */
const SOURCES = {
  mic: { track: 'micTrack', on: 'micOn', keepProducerWhenOff: true },
  camera: { track: 'cameraTrack', on: 'cameraOn', keepProducerWhenOff: true },
  screen: { track: 'screenTrack', on: 'sharing', keepProducerWhenOff: false },
} as const satisfies Record<
  MediaSource,
  { track: keyof LocalMedia; on: keyof LocalMedia; keepProducerWhenOff: boolean }
>;

/** Cancelling the screen picker is a choice, not an error worth a banner. */
const isCancelledPicker = (err: unknown) => err instanceof MediaAccessError && err.kind === 'denied';

export const createLocalMediaSlice: CallSlice<LocalMediaSlice> = (set, get) => {
  const patchLocal = (patch: Partial<LocalMedia>) => set({ local: { ...get().local, ...patch } });
  /** Whether the call an async capture started in is still the current one. */
  const stillIn = (call: CallSession | null) => get().session === call;

  /**
   * Captures a track; null when that failed (the error is shown unless `quiet` says it is no
   * error) or when the call changed meanwhile. `showBusy` for captures that may open a prompt.
   */
  async function captureTrack(
    take: () => Promise<MediaStreamTrack>,
    opts: { showBusy: boolean; quiet?: (err: unknown) => boolean },
  ): Promise<MediaStreamTrack | null> {
    const call = get().session;
    const settle = (patch: Partial<LocalMedia>) =>
      patchLocal(opts.showBusy ? { ...patch, busy: false } : patch);
    if (opts.showBusy) patchLocal({ busy: true });
    try {
      const track = await take();
      if (!stillIn(call)) {
        stopTrack(track);
        return null;
      }
      settle({ error: null });
      return track;
    } catch (err) {
      if (stillIn(call)) settle(opts.quiet?.(err) ? {} : { error: describeError(err) });
      return null;
    }
  }

  return {
    local: { ...initialLocal },

    setLocalSource(source, track, on) {
      const fields = SOURCES[source];
      const previous = get().local[fields.track];
      if (previous !== track) stopTrack(previous);
      if (track) track.enabled = on;
      patchLocal({ [fields.track]: track, [fields.on]: on });
      get().session?.setSource(source, track, !on && fields.keepProducerWhenOff);
    },

    switchOff(source) {
      get().setLocalSource(source, source === 'mic' ? get().local.micTrack : null, false);
    },

    async captureForCall(opts = {}) {
      const call = get().session;
      patchLocal({ busy: true });
      const captured = await captureMicAndCamera({ video: !opts.cameraOff });
      if (!stillIn(call)) {
        stopTrack(captured.mic);
        stopTrack(captured.camera);
        return;
      }
      patchLocal({ busy: false, error: captured.error?.message ?? null });
      if (captured.mic) get().setLocalSource('mic', captured.mic, !opts.micOff);
      if (captured.camera) get().setLocalSource('camera', captured.camera, true);
    },

    async adoptPrepared(prepared, opts = {}) {
      const { micDeviceId, cameraDeviceId, speakerDeviceId } = prepared;
      patchLocal({ micDeviceId, cameraDeviceId, speakerDeviceId });
      // A handed-over track that has ended (the page joined again) is captured anew, as chosen.
      const usable = async (track: MediaStreamTrack | null, again: () => Promise<MediaStreamTrack>) =>
        track?.readyState === 'ended' ? captureTrack(again, { showBusy: true }) : track;
      const mic = await usable(prepared.micTrack, () => captureMic(micDeviceId ?? undefined));
      if (mic) get().setLocalSource('mic', mic, prepared.micOn && !opts.micOff);
      if (!prepared.cameraOn) return;
      const camera = await usable(prepared.cameraTrack, () => captureCamera(cameraDeviceId ?? undefined));
      if (camera) get().setLocalSource('camera', camera, true);
    },

    releaseLocal() {
      const { local } = get();
      stopTrack(local.micTrack);
      stopTrack(local.cameraTrack);
      stopTrack(local.screenTrack);
      set({ local: { ...initialLocal } });
    },

    async toggleMic() {
      const { local } = get();
      if (local.busy) return;
      if (local.micTrack) return get().setLocalSource('mic', local.micTrack, !local.micOn);
      const track = await captureTrack(() => captureMic(local.micDeviceId ?? undefined), { showBusy: true });
      if (track) get().setLocalSource('mic', track, true);
    },

    async toggleCamera() {
      const { local } = get();
      if (local.busy) return;
      // Off releases the camera (its light goes off); the producer pauses and keeps its id.
      if (local.cameraOn) return get().switchOff('camera');
      const track = await captureTrack(() => captureCamera(local.cameraDeviceId ?? undefined), {
        showBusy: true,
      });
      if (track) get().setLocalSource('camera', track, true);
    },

    async toggleScreenShare() {
      if (get().local.sharing) return get().switchOff('screen');
      const track = await captureTrack(captureScreen, { showBusy: false, quiet: isCancelledPicker });
      if (!track) return;
      // The browser's own "Stop sharing" bar ends the track.
      track.addEventListener('ended', () => {
        if (get().local.screenTrack === track) get().switchOff('screen');
      });
      get().setLocalSource('screen', track, true);
    },

    async selectDevice(kind, deviceId) {
      saveMediaChoices({ [`${kind}DeviceId`]: deviceId });
      if (kind === 'speaker') return patchLocal({ speakerDeviceId: deviceId });
      if (kind === 'mic') {
        patchLocal({ micDeviceId: deviceId });
        if (!get().local.micTrack) return;
        const track = await captureTrack(() => captureMic(deviceId), { showBusy: false });
        if (track) get().setLocalSource('mic', track, get().local.micOn);
        return;
      }
      patchLocal({ cameraDeviceId: deviceId });
      if (!get().local.cameraOn) return;
      const track = await captureTrack(() => captureCamera(deviceId), { showBusy: false });
      if (!track) return;
      // Turned off while the new camera started: it is not wanted any more.
      if (get().local.cameraOn) get().setLocalSource('camera', track, true);
      else stopTrack(track);
    },

    dismissMediaError() {
      patchLocal({ error: null });
    },
  };
};
