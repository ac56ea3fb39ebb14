import type { ChangeEvent } from 'react';
import type { DeviceLists } from '../capture';
import { canPickSpeaker } from './useDeviceLists';

export type DeviceChoiceKind = 'mic' | 'camera' | 'speaker';

/** The device id in use: the one chosen, else the track's own. */
export const currentDeviceId = (track: MediaStreamTrack | null, chosen: string | null): string =>
  chosen ?? track?.getSettings?.().deviceId ?? '';

/**
 * Camera, microphone and (where the browser can route audio) speaker pickers: the call's device
 * menu and the pre-join screen both show these.
 */
export function DeviceSelects({
  devices,
  camera,
  mic,
  speaker,
  onSelect,
}: {
  devices: DeviceLists;
  /** The selected device ids. */
  camera: string;
  mic: string;
  speaker: string | null;
  onSelect: (kind: DeviceChoiceKind, deviceId: string) => void;
}) {
  const select = (kind: DeviceChoiceKind) => (e: ChangeEvent<HTMLSelectElement>) => onSelect(kind, e.target.value);
  return (
    <>
      <label>
        Camera
        <select value={camera} onChange={select('camera')}>
          {devices.videoinput.length === 0 && <option value="">No camera found</option>}
          {devices.videoinput.map((d, i) => (
            <option key={d.deviceId || i} value={d.deviceId}>
              {d.label || `Camera ${i + 1}`}
            </option>
          ))}
        </select>
      </label>
      <label>
        Microphone
        <select value={mic} onChange={select('mic')}>
          {devices.audioinput.length === 0 && <option value="">No microphone found</option>}
          {devices.audioinput.map((d, i) => (
            <option key={d.deviceId || i} value={d.deviceId}>
              {d.label || `Microphone ${i + 1}`}
            </option>
          ))}
        </select>
      </label>
      {canPickSpeaker() && (
        <label>
          Speaker
          <select value={speaker ?? 'default'} onChange={select('speaker')}>
            {devices.audiooutput.length === 0 && <option value="default">System default</option>}
            {devices.audiooutput.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {d.label || `Speaker ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}
