import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useCallStore } from './callStore';
import type { RemoteTrack } from './remoteMediaSlice';
import { buildTiles, type TileModel } from './tiles';
import { gridLayout } from './layout';
import { Tile } from './Tile';
import { useConnectionQuality } from './useConnectionQuality';

/** A remote tile is weak when one of the streams it shows (screen; or camera and mic) is. */
export function isWeakTile(tile: TileModel, remote: Record<string, RemoteTrack>, weakKeys: ReadonlySet<string>): boolean {
  if (tile.isLocal || weakKeys.size === 0) return false;
  return Object.values(remote).some(
    (t) => t.userId === tile.userId && (tile.source === 'screen') === (t.source === 'screen') && weakKeys.has(t.key),
  );
}

function useSize(ref: React.RefObject<HTMLElement | null>): { width: number; height: number } {
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    measure();
    if (typeof ResizeObserver === 'undefined') {
      window.addEventListener('resize', measure);
      return () => window.removeEventListener('resize', measure);
    }
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

/** The tiles, laid out to fill the stage for 1–16 people; one scrolling column on phones. */
export function VideoGrid() {
  const ref = useRef<HTMLElement>(null);
  const { width, height } = useSize(ref);
  const parts = useCallStore(
    useShallow((s) => ({ self: s.self, participants: s.participants, remote: s.remote, local: s.local, activeSpeakerId: s.activeSpeakerId })),
  );
  const tiles = useMemo(() => buildTiles(parts), [parts]);
  const { weakKeys } = useConnectionQuality();
  const layout = gridLayout(tiles.length, width, height);
  const style = {
    '--cols': layout.cols,
    '--tile-w': layout.tileWidth ? `${layout.tileWidth}px` : '100%',
    '--tile-h': layout.tileHeight ? `${layout.tileHeight}px` : 'auto',
  } as React.CSSProperties;

  return (
    <section ref={ref} className={`grid${layout.stacked ? ' grid--stacked' : ''}`} style={style} data-count={tiles.length} aria-label="Video">
      {tiles.map((t) => (
        <Tile key={t.key} tile={t} weak={isWeakTile(t, parts.remote, weakKeys)} />
      ))}
    </section>
  );
}
