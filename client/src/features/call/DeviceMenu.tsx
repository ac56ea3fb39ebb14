import { useEffect, useId, useRef, useState } from 'react';
import { Icon } from '../../ui/Icon';
import { useCallStore } from './callStore';
import { listDevices, type DeviceLists } from './capture';

const EMPTY: DeviceLists = { audioinput: [], videoinput: [], audiooutput: [] };

/** Choose camera, microphone and speaker. */
export function DeviceMenu() {
  const [open, setOpen] = useState(false);
  const [devices, setDevices] = useState<DeviceLists>(EMPTY);
  const local = useCallStore((s) => s.local);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    let alive = true;
    const refresh = () =>
      void listDevices().then(
        (d) => alive && setDevices(d),
        () => {},
      );
    refresh();
    navigator.mediaDevices?.addEventListener?.('devicechange', refresh);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    const onClick = (e: MouseEvent) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      alive = false;
      navigator.mediaDevices?.removeEventListener?.('devicechange', refresh);
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  const current = (track: MediaStreamTrack | null, chosen: string | null) => chosen ?? track?.getSettings?.().deviceId ?? '';
  const select = (kind: 'mic' | 'camera' | 'speaker') => (e: React.ChangeEvent<HTMLSelectElement>) =>
    void useCallStore.getState().selectDevice(kind, e.target.value);
  const canPickSpeaker = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

  return (
    <div className="device-menu" ref={rootRef}>
      <button
        type="button"
        className={`ctrl${open ? ' ctrl--active' : ''}`}
        aria-label="Choose devices"
        title="Choose devices"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
      >
        <Icon name="settings" />
      </button>
      {open && (
        <div className="device-menu__panel card" id={panelId} role="group" aria-label="Devices">
          <label>
            Camera
            <select value={current(local.cameraTrack, local.cameraDeviceId)} onChange={select('camera')}>
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
            <select value={current(local.micTrack, local.micDeviceId)} onChange={select('mic')}>
              {devices.audioinput.length === 0 && <option value="">No microphone found</option>}
              {devices.audioinput.map((d, i) => (
                <option key={d.deviceId || i} value={d.deviceId}>
                  {d.label || `Microphone ${i + 1}`}
                </option>
              ))}
            </select>
          </label>
          {canPickSpeaker && (
            <label>
              Speaker
              <select value={local.speakerDeviceId ?? 'default'} onChange={select('speaker')}>
                {devices.audiooutput.length === 0 && <option value="default">System default</option>}
                {devices.audiooutput.map((d, i) => (
                  <option key={d.deviceId || i} value={d.deviceId}>
                    {d.label || `Speaker ${i + 1}`}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
      )}
    </div>
  );
}
