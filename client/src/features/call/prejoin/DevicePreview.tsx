import { useRef } from 'react';
import { useStore } from 'zustand';
import { Alert } from '../../../ui/Alert';
import { Avatar } from '../../../ui/Avatar';
import { MediaToggle } from '../MediaToggle';
import { useMediaTrack } from '../useMediaTrack';
import { currentDeviceId, DeviceSelects } from './DeviceSelects';
import type { PreviewMedia } from './previewMedia';
import { useDeviceLists } from './useDeviceLists';
import { useMicLevel } from './useMicLevel';

function SelfVideo({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLVideoElement>(null);
  useMediaTrack(ref, track);
  return <video ref={ref} className="prejoin-preview__video" autoPlay playsInline muted aria-label="Your camera preview" />;
}

/** A bar that follows the microphone's input level, so the user sees they are heard. */
function MicMeter({ track, on }: { track: MediaStreamTrack | null; on: boolean }) {
  const level = useMicLevel(track, on);
  const percent = Math.round(level * 100);
  return (
    <div
      className={`mic-meter${on ? '' : ' mic-meter--off'}`}
      role="meter"
      aria-label="Microphone level"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      title={on ? 'Microphone level' : 'Microphone is off'}
    >
      <span className="mic-meter__fill" style={{ transform: `scaleX(${level})` }} />
    </div>
  );
}

/**
 * Your own camera and microphone before joining: the camera's picture (mirrored, as a mirror),
 * mic and camera toggles, a live mic level, and device pickers. Reads and drives a preview media
 * store (createPreviewMedia); the pre-join screen shows it, the lobby's waiting view may too.
 */
export function DevicePreview({ media, name }: { media: PreviewMedia; name: string }) {
  const s = useStore(media);
  // Labels of devices are readable only once a capture was allowed: re-list when tracks change.
  const devices = useDeviceLists(true, `${s.micTrack?.id ?? ''}:${s.cameraTrack?.id ?? ''}`);
  return (
    <section className="prejoin-preview" aria-label="Your camera and microphone">
      <div className="prejoin-preview__stage">
        {s.cameraOn && s.cameraTrack ? (
          <SelfVideo track={s.cameraTrack} />
        ) : (
          <div className="prejoin-preview__off">
            <Avatar name={name || '?'} size={72} />
            <span>{s.busy ? 'Starting camera…' : 'Camera is off'}</span>
          </div>
        )}
        <div className="prejoin-preview__controls">
          <MediaToggle source="mic" on={s.micOn} busy={s.busy} onToggle={() => void s.toggleMic()} />
          <MediaToggle source="camera" on={s.cameraOn} busy={s.busy} onToggle={() => void s.toggleCamera()} />
        </div>
      </div>
      <MicMeter track={s.micTrack} on={s.micOn} />
      {s.error && (
        <Alert kind="warning">
          {s.error} You can still join; others will not see or hear you until it works.
        </Alert>
      )}
      <div className="prejoin-preview__devices" role="group" aria-label="Devices">
        <DeviceSelects
          devices={devices}
          camera={currentDeviceId(s.cameraTrack, s.cameraDeviceId)}
          mic={currentDeviceId(s.micTrack, s.micDeviceId)}
          speaker={s.speakerDeviceId}
          onSelect={(kind, id) => void s.selectDevice(kind, id)}
        />
      </div>
    </section>
  );
}
