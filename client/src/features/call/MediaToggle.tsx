import { Icon } from '../../ui/Icon';

const LABELS = {
  mic: { on: 'Mute microphone', off: 'Unmute microphone', iconOn: 'mic', iconOff: 'micOff' },
  camera: { on: 'Turn camera off', off: 'Turn camera on', iconOn: 'camera', iconOff: 'cameraOff' },
} as const;

/** The mic or camera on/off button (call controls, pre-join preview): its label says what a press does. */
export function MediaToggle({
  source,
  on,
  busy,
  onToggle,
}: {
  source: 'mic' | 'camera';
  on: boolean;
  busy: boolean;
  onToggle: () => void;
}) {
  const l = LABELS[source];
  const label = on ? l.on : l.off;
  return (
    <button
      type="button"
      className={`ctrl${on ? '' : ' ctrl--off'}`}
      aria-label={label}
      title={label}
      onClick={onToggle}
      disabled={busy}
    >
      <Icon name={on ? l.iconOn : l.iconOff} />
    </button>
  );
}
