import { vi } from 'vitest';

/** A capture track the tests can inspect: enabled, stopped, which device it came from. */
export class FakeCaptureTrack {
  enabled = true;
  readyState: 'live' | 'ended' = 'live';
  readonly id: string;
  constructor(
    readonly kind: 'audio' | 'video',
    readonly deviceId: string,
  ) {
    this.id = `${kind}-${deviceId}-${Math.random().toString(36).slice(2, 7)}`;
  }
  stop() {
    this.readyState = 'ended';
  }
  getSettings() {
    return { deviceId: this.deviceId };
  }
  addEventListener() {}
  removeEventListener() {}
}

export interface FakeDevices {
  /** Every getUserMedia call's constraints, in order. */
  calls: MediaStreamConstraints[];
  /** Every track handed out. */
  tracks: FakeCaptureTrack[];
  /** Makes the next calls fail with an error of this name, e.g. NotAllowedError (until set to null). */
  failWith: string | null;
  /** Device ids that exist; asking for another one exactly fails OverconstrainedError. */
  known: Set<string>;
  /** Resolves captures only when let go (a permission prompt left open). */
  hold: boolean;
  letGo(): void;
}

/** What the browser throws (a DOMException is an Error there; jsdom's is not). */
const refusal = (name: string) => Object.assign(new Error(name), { name });

function deviceOf(constraint: boolean | MediaTrackConstraints | undefined, fallback: string): string | null {
  if (!constraint) return null;
  if (constraint === true) return fallback;
  const exact = (constraint.deviceId as { exact?: string } | undefined)?.exact;
  return exact ?? fallback;
}

/** Replaces navigator.mediaDevices with a fake camera ('cam-1', 'cam-2') and mic ('mic-1', 'mic-2'). */
export function installFakeMediaDevices(): FakeDevices {
  const waiting: Array<() => void> = [];
  const state: FakeDevices = {
    calls: [],
    tracks: [],
    failWith: null,
    known: new Set(['cam-1', 'cam-2', 'mic-1', 'mic-2']),
    hold: false,
    letGo() {
      waiting.splice(0).forEach((go) => go());
    },
  };
  const getUserMedia = vi.fn(async (constraints: MediaStreamConstraints) => {
    state.calls.push(constraints);
    if (state.hold) await new Promise<void>((go) => waiting.push(go));
    if (state.failWith) throw refusal(state.failWith);
    const mic = deviceOf(constraints.audio, 'mic-1');
    const cam = deviceOf(constraints.video, 'cam-1');
    for (const id of [mic, cam]) if (id && !state.known.has(id)) throw refusal('OverconstrainedError');
    const audio = mic ? [new FakeCaptureTrack('audio', mic)] : [];
    const video = cam ? [new FakeCaptureTrack('video', cam)] : [];
    state.tracks.push(...audio, ...video);
    return { getAudioTracks: () => audio, getVideoTracks: () => video } as unknown as MediaStream;
  });
  const enumerateDevices = vi.fn(async () =>
    [...state.known].map((deviceId) => ({
      deviceId,
      kind: deviceId.startsWith('cam') ? 'videoinput' : 'audioinput',
      label: deviceId.startsWith('cam') ? `Camera ${deviceId}` : `Microphone ${deviceId}`,
      groupId: '',
    })),
  );
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: { getUserMedia, enumerateDevices, addEventListener() {}, removeEventListener() {} },
  });
  // What playing a track in a <video> needs, which jsdom lacks.
  vi.stubGlobal(
    'MediaStream',
    class {
      constructor(readonly tracks: MediaStreamTrack[] = []) {}
      getTracks() {
        return this.tracks;
      }
    },
  );
  vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() => Promise.resolve());
  return state;
}

/** Back to jsdom's navigator without media devices. */
export function uninstallFakeMediaDevices(): void {
  delete (navigator as { mediaDevices?: MediaDevices }).mediaDevices;
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
}
