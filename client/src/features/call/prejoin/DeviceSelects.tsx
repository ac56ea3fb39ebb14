import type { ChangeEvent } from 'react';
import type { DeviceLists } from '../capture';
import { canPickSpeaker } from './useDeviceLists';

export type DeviceChoiceKind = 'mic' | 'camera' | 'speaker';

/** The device id in use: the one chosen, else the track's own. */
export const currentDeviceId = (track: MediaStreamTrack | null, chosen: string | null): string =>
  chosen ?? track?.getSettings?.().deviceId ?? '';

/** One labelled picker: the devices of a kind, or what stands for none. */
function DeviceSelect({
  label,
  devices,
  value,
  none,
  onChange,
}: {
  label: string;
  devices: MediaDeviceInfo[];
  value: string;
  /** The one option when the list is empty. */
  none: { value: string; text: string };
  onChange: (deviceId: string) => void;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e: ChangeEvent<HTMLSelectElement>) => onChange(e.target.value)}>
        {devices.length === 0 && <option value={none.value}>{none.text}</option>}
        {devices.map((d, i) => (
          <option key={d.deviceId || i} value={d.deviceId}>
            {d.label || `${label} ${i + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}

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
  return (
    <>
      <DeviceSelect
        label="Camera"
        devices={devices.videoinput}
        value={camera}
        none={{ value: '', text: 'No camera found' }}
        onChange={(id) => onSelect('camera', id)}
      />
      <DeviceSelect
        label="Microphone"
        devices={devices.audioinput}
        value={mic}
        none={{ value: '', text: 'No microphone found' }}
        onChange={(id) => onSelect('mic', id)}
      />
      {canPickSpeaker() && (
        <DeviceSelect
          label="Speaker"
          devices={devices.audiooutput}
          value={speaker ?? 'default'}
          none={{ value: 'default', text: 'System default' }}
          onChange={(id) => onSelect('speaker', id)}
        />
      )}
    </>
  );
}
