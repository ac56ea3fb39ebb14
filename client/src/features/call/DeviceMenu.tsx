import { useEffect, useId, useRef, useState } from 'react';
import { Icon } from '../../ui/Icon';
import { useCallStore } from './callStore';
import { currentDeviceId, DeviceSelects } from './prejoin/DeviceSelects';
import { useDeviceLists } from './prejoin/useDeviceLists';

/** Choose camera, microphone and speaker. */
export function DeviceMenu() {
  const [open, setOpen] = useState(false);
  const devices = useDeviceLists(open);
  const local = useCallStore((s) => s.local);
  const panelId = useId();
  const rootRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    const onClick = (e: MouseEvent) => {
      if (rootRef.current && !rootRef.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open]);

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
          <DeviceSelects
            devices={devices}
            camera={currentDeviceId(local.cameraTrack, local.cameraDeviceId)}
            mic={currentDeviceId(local.micTrack, local.micDeviceId)}
            speaker={local.speakerDeviceId}
            onSelect={(kind, id) => void useCallStore.getState().selectDevice(kind, id)}
          />
        </div>
      )}
    </div>
  );
}
