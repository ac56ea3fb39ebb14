import { memo, useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useMediaTrack } from './useMediaTrack';
import { useCallStore } from './callStore';

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

const Audio = memo(function Audio({ track, sinkId }: { track: MediaStreamTrack; sinkId: string | null }) {
  const ref = useRef<SinkAudio>(null);
  useMediaTrack(ref, track);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof el.setSinkId !== 'function') return;
    el.setSinkId(sinkId && sinkId !== 'default' ? sinkId : '').catch(() => {
      // The device went away; the browser keeps the current output.
    });
  }, [sinkId]);
  return <audio ref={ref} autoPlay data-testid="remote-audio" />;
});

/** Plays every remote microphone on the chosen speaker (setSinkId where the browser has it). */
export function RemoteAudio() {
  const tracks = useCallStore(
    useShallow((s) =>
      Object.values(s.remote)
        .filter((t) => t.kind === 'audio' && t.track)
        .map((t) => t.track!),
    ),
  );
  const sinkId = useCallStore((s) => s.local.speakerDeviceId);

  // Browsers may refuse autoplay with sound until the user interacts with the page.
  useEffect(() => {
    const retry = () =>
      document
        .querySelectorAll<HTMLAudioElement>('audio[data-testid="remote-audio"]')
        .forEach((a) => void a.play().catch(() => {}));
    document.addEventListener('pointerdown', retry);
    document.addEventListener('keydown', retry);
    return () => {
      document.removeEventListener('pointerdown', retry);
      document.removeEventListener('keydown', retry);
    };
  }, []);

  return (
    <div hidden>
      {tracks.map((t) => (
        <Audio key={t.id} track={t} sinkId={sinkId} />
      ))}
    </div>
  );
}
