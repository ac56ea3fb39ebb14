import { useEffect, useState } from 'react';
import { listDevices, type DeviceLists } from '../capture';

const EMPTY: DeviceLists = { audioinput: [], videoinput: [], audiooutput: [] };

/**
 * The cameras, microphones and speakers there are, kept current (devicechange) while `active`.
 * `refreshKey` re-reads them, e.g. once permission is granted (labels appear only then).
 */
export function useDeviceLists(active: boolean, refreshKey?: unknown): DeviceLists {
  const [devices, setDevices] = useState<DeviceLists>(EMPTY);
  useEffect(() => {
    if (!active) return;
    let alive = true;
    const refresh = () =>
      void listDevices().then(
        (d) => alive && setDevices(d),
        () => {},
      );
    refresh();
    navigator.mediaDevices?.addEventListener?.('devicechange', refresh);
    return () => {
      alive = false;
      navigator.mediaDevices?.removeEventListener?.('devicechange', refresh);
    };
  }, [active, refreshKey]);
  return devices;
}

/** Whether the browser can play audio on a chosen output device (HTMLMediaElement.setSinkId). */
export function canPickSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}
