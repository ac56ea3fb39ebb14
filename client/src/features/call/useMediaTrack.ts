import { useEffect, type RefObject } from 'react';

/**
 * Plays `track` in the media element behind `ref`, and detaches it when the track changes or
 * the element goes. A refused play() is left alone: the element keeps autoplay and the next
 * user gesture retries.
 */
export function useMediaTrack(ref: RefObject<HTMLMediaElement | null>, track: MediaStreamTrack): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([track]);
    el.play().catch(() => {
      // Autoplay refused without a gesture, or the element was removed meanwhile.
    });
    return () => {
      el.srcObject = null;
    };
  }, [ref, track]);
}
