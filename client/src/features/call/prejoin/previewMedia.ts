/**
 * The pre-join screen's own camera and microphone: captured before joining so the user sees and
 * hears themselves, switched on and off and between devices there, then handed over to the call
 * (`handOver`) as they are: a mic chosen off joins muted, a camera chosen off joins without video.
 * Toggles and devices chosen here are remembered (mediaChoices); a device that failed is not.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { captureCamera, captureMic, captureMicAndCamera, stopTrack } from '../capture';
import type { PreparedMedia } from '../localMediaSlice';
import { loadMediaChoices, saveMediaChoices, type MediaChoices } from './mediaChoices';

export type DeviceKind = 'mic' | 'camera' | 'speaker';

interface PreviewActions {
  /** Captures the mic (kept even when chosen off: unmuting is instant) and, if chosen on, the camera. */
  start(): Promise<void>;
  toggleMic(): Promise<void>;
  toggleCamera(): Promise<void>;
  selectDevice(kind: DeviceKind, deviceId: string): Promise<void>;
}

export interface PreviewMediaState extends MediaChoices, PreviewActions {
  micTrack: MediaStreamTrack | null;
  cameraTrack: MediaStreamTrack | null;
  /** A capture is running (a permission prompt may be open). */
  busy: boolean;
  /** Why a device is not available (blocked, none found, in use), readable; the join still works. */
  error: string | null;
  /** Stops the tracks (leaving the screen without joining). */
  release(): void;
  /** The tracks and choices for the call, once a capture under way is done; the preview lets go of them. */
  handOver(): Promise<PreparedMedia>;
}

export type PreviewMedia = StoreApi<PreviewMediaState>;

const messageOf = (err: unknown) => (err instanceof Error ? err.message : 'Could not start the device.');

export function createPreviewMedia(initial: MediaChoices = loadMediaChoices()): PreviewMedia {
  return createStore<PreviewMediaState>((set, get) => {
    /** Bumped by release/handOver: a capture that finishes after it is stopped, not shown. */
    let generation = 0;
    /** The action under way (start, a toggle, a device switch): handOver waits for it. */
    let pending: Promise<void> = Promise.resolve();

    /** Runs a capture; its track, or null when it failed (error shown) or the preview moved on. */
    async function capture(take: () => Promise<MediaStreamTrack>): Promise<MediaStreamTrack | null> {
      const mine = generation;
      set({ busy: true });
      try {
        const track = await take();
        if (mine !== generation) {
          stopTrack(track);
          return null;
        }
        set({ busy: false, error: null });
        return track;
      } catch (err) {
        if (mine === generation) set({ busy: false, error: messageOf(err) });
        return null;
      }
    }
    const remember = (patch: Partial<MediaChoices>) => {
      set(patch);
      saveMediaChoices(patch);
    };

    const actions: PreviewActions = {
      async start() {
        const mine = generation;
        const { micDeviceId, cameraDeviceId, cameraOn } = get();
        set({ busy: true });
        let got = await captureMicAndCamera({
          micDeviceId: micDeviceId ?? undefined,
          cameraDeviceId: cameraDeviceId ?? undefined,
          video: cameraOn,
        });
        // A remembered device that is gone (unplugged): the defaults instead.
        if (got.error?.kind === 'notfound' && (micDeviceId || cameraDeviceId)) {
          stopTrack(got.mic);
          stopTrack(got.camera);
          got = await captureMicAndCamera({ video: cameraOn });
        }
        if (mine !== generation) {
          stopTrack(got.mic);
          stopTrack(got.camera);
          return;
        }
        if (got.mic) got.mic.enabled = get().micOn;
        set({
          busy: false,
          micTrack: got.mic,
          cameraTrack: got.camera,
          // Without the device there is nothing to have on (not remembered: the choice stays).
          micOn: get().micOn && got.mic !== null,
          cameraOn: cameraOn && got.camera !== null,
          error: got.error?.message ?? null,
        });
      },

      async toggleMic() {
        const { micTrack, micOn, micDeviceId, busy } = get();
        if (busy) return;
        if (micTrack) {
          micTrack.enabled = !micOn;
          return remember({ micOn: !micOn });
        }
        const track = await capture(() => captureMic(micDeviceId ?? undefined));
        if (!track) return;
        set({ micTrack: track });
        remember({ micOn: true });
      },

      async toggleCamera() {
        const { cameraTrack, cameraOn, cameraDeviceId, busy } = get();
        if (busy) return;
        // Off releases the camera: its light goes off.
        if (cameraOn) {
          stopTrack(cameraTrack);
          set({ cameraTrack: null });
          return remember({ cameraOn: false });
        }
        const track = await capture(() => captureCamera(cameraDeviceId ?? undefined));
        if (!track) return;
        set({ cameraTrack: track });
        remember({ cameraOn: true });
      },

      async selectDevice(kind, deviceId) {
        if (kind === 'speaker') return remember({ speakerDeviceId: deviceId });
        if (kind === 'mic') {
          remember({ micDeviceId: deviceId });
          if (!get().micTrack) return;
          const track = await capture(() => captureMic(deviceId));
          if (!track) return;
          stopTrack(get().micTrack);
          track.enabled = get().micOn;
          set({ micTrack: track });
          return;
        }
        remember({ cameraDeviceId: deviceId });
        if (!get().cameraOn) return;
        const track = await capture(() => captureCamera(deviceId));
        if (!track) return;
        // Turned off while the new camera started: not wanted any more.
        if (!get().cameraOn) return stopTrack(track);
        stopTrack(get().cameraTrack);
        set({ cameraTrack: track });
      },
    };

    /** Each action, recorded as the one under way. */
    const tracked = <A extends unknown[]>(run: (...args: A) => Promise<void>) => (...args: A): Promise<void> => {
      const work = run(...args);
      pending = pending.then(() => work).catch(() => {});
      return work;
    };

    return {
      ...initial,
      micTrack: null,
      cameraTrack: null,
      busy: false,
      error: null,
      start: tracked(actions.start),
      toggleMic: tracked(actions.toggleMic),
      toggleCamera: tracked(actions.toggleCamera),
      selectDevice: tracked(actions.selectDevice),

      release() {
        generation += 1;
        stopTrack(get().micTrack);
        stopTrack(get().cameraTrack);
        set({ micTrack: null, cameraTrack: null, busy: false });
      },

      async handOver() {
        await pending;
        generation += 1;
        const s = get();
        const prepared: PreparedMedia = {
          micTrack: s.micTrack,
          cameraTrack: s.cameraOn ? s.cameraTrack : null,
          micOn: s.micOn && s.micTrack !== null,
          cameraOn: s.cameraOn && s.cameraTrack !== null,
          micDeviceId: s.micDeviceId,
          cameraDeviceId: s.cameraDeviceId,
          speakerDeviceId: s.speakerDeviceId,
        };
        if (!s.cameraOn) stopTrack(s.cameraTrack);
        set({ micTrack: null, cameraTrack: null, busy: false });
        return prepared;
      },
    };
  });
}
