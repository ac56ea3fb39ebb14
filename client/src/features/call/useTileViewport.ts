import { useEffect, type RefObject } from 'react';
import type { TileViewport } from './layout';

/**
 * Reports whether a tile is on screen and how wide it is, so the SFU layer can pause unseen
 * consumers and pick a simulcast layer by size. No-op where the observers are missing (tests).
 */
export function useTileViewport(ref: RefObject<HTMLElement | null>, onChange: (vp: TileViewport | null) => void): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined' || typeof ResizeObserver === 'undefined') return;
    let visible = false;
    let width = el.clientWidth;
    let height = el.clientHeight;
    const report = () => onChange({ visible: visible && document.visibilityState !== 'hidden', width, height });
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) visible = e.isIntersecting;
        report();
      },
      { threshold: 0.01 },
    );
    const ro = new ResizeObserver((entries) => {
      for (const e of entries) {
        width = e.contentRect.width;
        height = e.contentRect.height;
      }
      report();
    });
    io.observe(el);
    ro.observe(el);
    document.addEventListener('visibilitychange', report);
    return () => {
      io.disconnect();
      ro.disconnect();
      document.removeEventListener('visibilitychange', report);
      onChange(null);
    };
  }, [ref, onChange]);
}
