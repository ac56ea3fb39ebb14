/** Browser capture (camera, microphone, screen) with readable errors. Knows nothing of the SFU. */

export type MediaErrorKind = 'denied' | 'notfound' | 'busy' | 'unsupported' | 'insecure' | 'other';
export type CaptureKind = 'camera' | 'microphone' | 'screen';

export class MediaAccessError extends Error {
  constructor(
    readonly kind: MediaErrorKind,
    readonly what: CaptureKind | 'camera and microphone',
    message: string,
  ) {
    super(message);
    this.name = 'MediaAccessError';
  }
}

/** Capture constraints; the simulcast layers are derived from the 720p camera track. */
export const CAMERA_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
export const MIC_CONSTRAINTS: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

function toMediaError(err: unknown, what: MediaAccessError['what']): MediaAccessError {
  const name = err instanceof Error ? err.name : '';
  const cap = what.charAt(0).toUpperCase() + what.slice(1);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return what === 'screen'
        ? new MediaAccessError('denied', what, 'Screen sharing was cancelled or blocked.')
        : new MediaAccessError('denied', what, `${cap} access is blocked. Allow it in your browser's site settings, then try again.`);
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new MediaAccessError('notfound', what, `No ${what} was found.`);
    case 'NotReadableError':
    case 'AbortError':
      return new MediaAccessError('busy', what, `The ${what} is in use by another application.`);
    default:
      return new MediaAccessError('other', what, `Could not start the ${what}${err instanceof Error && err.message ? `: ${err.message}` : '.'}`);
  }
}

function devices(what: MediaAccessError['what']): MediaDevices {
  const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  if (!md) {
    if (typeof window !== 'undefined' && window.isSecureContext === false) {
      throw new MediaAccessError('insecure', what, 'Camera and microphone need a secure (https) connection.');
    }
    throw new MediaAccessError('unsupported', what, 'This browser cannot access a camera or microphone.');
  }
  return md;
}

export interface CapturedTracks {
  mic: MediaStreamTrack | null;
  camera: MediaStreamTrack | null;
  /** Set when one or both could not be captured; the call goes on without them. */
  error: MediaAccessError | null;
}

/** Microphone and camera with one permission prompt; falls back to whichever works. */
export async function captureMicAndCamera(opts: { micDeviceId?: string; cameraDeviceId?: string; video?: boolean } = {}): Promise<CapturedTracks> {
  const audio: MediaTrackConstraints = { ...MIC_CONSTRAINTS, ...(opts.micDeviceId ? { deviceId: { exact: opts.micDeviceId } } : {}) };
  const video: MediaTrackConstraints = { ...CAMERA_CONSTRAINTS, ...(opts.cameraDeviceId ? { deviceId: { exact: opts.cameraDeviceId } } : {}) };
  const wantVideo = opts.video !== false;
  let md: MediaDevices;
  try {
    md = devices('camera and microphone');
  } catch (err) {
    return { mic: null, camera: null, error: err as MediaAccessError };
  }
  try {
    const stream = await md.getUserMedia({ audio, video: wantVideo ? video : false });
    return { mic: stream.getAudioTracks()[0] ?? null, camera: stream.getVideoTracks()[0] ?? null, error: null };
  } catch (both) {
    // One of the two may still work (no camera, or camera busy).
    const [mic, camera] = await Promise.all([
      md.getUserMedia({ audio }).then((s) => s.getAudioTracks()[0] ?? null, () => null),
      wantVideo ? md.getUserMedia({ video }).then((s) => s.getVideoTracks()[0] ?? null, () => null) : Promise.resolve(null),
    ]);
    const missing = !mic && !camera ? 'camera and microphone' : !mic ? 'microphone' : !camera && wantVideo ? 'camera' : null;
    return { mic, camera, error: missing ? toMediaError(both, missing) : null };
  }
}

export async function captureCamera(deviceId?: string): Promise<MediaStreamTrack> {
  const md = devices('camera');
  try {
    const s = await md.getUserMedia({ video: { ...CAMERA_CONSTRAINTS, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) } });
    return s.getVideoTracks()[0]!;
  } catch (err) {
    throw toMediaError(err, 'camera');
  }
}

export async function captureMic(deviceId?: string): Promise<MediaStreamTrack> {
  const md = devices('microphone');
  try {
    const s = await md.getUserMedia({ audio: { ...MIC_CONSTRAINTS, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) } });
    return s.getAudioTracks()[0]!;
  } catch (err) {
    throw toMediaError(err, 'microphone');
  }
}

export async function captureScreen(): Promise<MediaStreamTrack> {
  const md = devices('screen');
  if (typeof md.getDisplayMedia !== 'function') throw new MediaAccessError('unsupported', 'screen', 'This browser cannot share the screen.');
  try {
    const s = await md.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    return s.getVideoTracks()[0]!;
  } catch (err) {
    throw toMediaError(err, 'screen');
  }
}

export interface DeviceLists {
  audioinput: MediaDeviceInfo[];
  videoinput: MediaDeviceInfo[];
  audiooutput: MediaDeviceInfo[];
}

export async function listDevices(): Promise<DeviceLists> {
  const out: DeviceLists = { audioinput: [], videoinput: [], audiooutput: [] };
  const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  if (!md?.enumerateDevices) return out;
  for (const d of await md.enumerateDevices()) out[d.kind]?.push(d);
  return out;
}

export function stopTrack(track: MediaStreamTrack | null | undefined): void {
  try {
    track?.stop();
  } catch {
    // already stopped
  }
}
