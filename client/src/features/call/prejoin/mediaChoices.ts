/**
 * The last mic/camera on-off and devices chosen, remembered in this browser (localStorage) so the
 * next pre-join screen starts from them, as conferencing apps do.
 */
export interface MediaChoices {
  micOn: boolean;
  cameraOn: boolean;
  micDeviceId: string | null;
  cameraDeviceId: string | null;
  speakerDeviceId: string | null;
}

const KEY = 'minimeet.mediaChoices';

export const DEFAULT_MEDIA_CHOICES: MediaChoices = {
  micOn: true,
  cameraOn: true,
  micDeviceId: null,
  cameraDeviceId: null,
  speakerDeviceId: null,
};

const idOrNull = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v.length <= 512 ? v : null);

/** The stored choices; anything missing or malformed falls back to the defaults (mic and camera on). */
export function loadMediaChoices(): MediaChoices {
  let raw: unknown;
  try {
    raw = JSON.parse(localStorage.getItem(KEY) ?? 'null');
  } catch {
    raw = null;
  }
  if (typeof raw !== 'object' || raw === null) return { ...DEFAULT_MEDIA_CHOICES };
  const r = raw as Record<string, unknown>;
  return {
    micOn: typeof r.micOn === 'boolean' ? r.micOn : DEFAULT_MEDIA_CHOICES.micOn,
    cameraOn: typeof r.cameraOn === 'boolean' ? r.cameraOn : DEFAULT_MEDIA_CHOICES.cameraOn,
    micDeviceId: idOrNull(r.micDeviceId),
    cameraDeviceId: idOrNull(r.cameraDeviceId),
    speakerDeviceId: idOrNull(r.speakerDeviceId),
  };
}

/** Merges `patch` into the stored choices (storage full or blocked: nothing is remembered). */
export function saveMediaChoices(patch: Partial<MediaChoices>): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...loadMediaChoices(), ...patch }));
  } catch {
    // Private mode or quota: the choices simply are not remembered.
  }
}
