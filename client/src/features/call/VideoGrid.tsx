import { useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { REACTION_SHOW_MS } from '@minimeet/shared';
import { useCallStore } from './callStore';
import type { RemoteTrack } from './remoteMediaSlice';
import { buildTiles, type TileModel } from './tiles';
import { gridLayout } from './layout';
import { filmstripPageSize, gridPageSize, pageForKey, pageOf, spotlightOf, type Page } from './paging';
import { Tile, type TileExtras } from './Tile';
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

/** Keys typed into a field, or pressed in the side panel (its list scrolls by them), are not page moves. */
function isTyping(target: EventTarget | null): boolean {
  const el = target instanceof HTMLElement ? target : null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || el.closest('.call__side') !== null);
}

/** ←/→, PageUp/PageDown, Home/End move pages anywhere on the call page (not while typing). */
function usePageKeys(page: number, pageCount: number): void {
  useEffect(() => {
    if (pageCount < 2) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
      const next = pageForKey(e.key, page, pageCount);
      if (next === null) return;
      e.preventDefault();
      useCallStore.getState().setStagePage(next);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [page, pageCount]);
}

/** Reactions disappear REACTION_SHOW_MS after they arrived (one timer per shown reaction). */
function useReactionExpiry(): void {
  const reactions = useCallStore((s) => s.reactions);
  useEffect(() => {
    const timers = Object.entries(reactions).map(([userId, r]) =>
      setTimeout(() => useCallStore.getState().expireReaction(Number(userId), r.seq), Math.max(0, r.shownAt + REACTION_SHOW_MS - Date.now())),
    );
    return () => timers.forEach(clearTimeout);
  }, [reactions]);
}

/** Arrows and "page x of y" for the grid or the filmstrip. */
function PageNav({ page }: { page: Page<unknown> }) {
  if (page.pageCount < 2) return null;
  const go = (p: number) => useCallStore.getState().setStagePage(p);
  return (
    <nav className="stage__pages" aria-label="Pages">
      <button type="button" className="btn btn--ghost btn--small" aria-label="Previous page" disabled={page.page === 0} onClick={() => go(page.page - 1)}>
        ‹
      </button>
      <span aria-live="polite">
        Page {page.page + 1} of {page.pageCount}
      </span>
      <button
        type="button"
        className="btn btn--ghost btn--small"
        aria-label="Next page"
        disabled={page.page >= page.pageCount - 1}
        onClick={() => go(page.page + 1)}
      >
        ›
      </button>
    </nav>
  );
}

/**
 * The call stage for 1–200 people: a paginated grid (page size by width) or the speaker view
 * (the active speaker or a screen share large, a paged filmstrip), switchable. Only the shown
 * tiles mount, so only they receive video (their viewports); every other tile is reported hidden.
 */
export function VideoGrid() {
  const ref = useRef<HTMLElement>(null);
  const { width, height } = useSize(ref);
  const parts = useCallStore(
    useShallow((s) => ({ self: s.self, role: s.role, participants: s.participants, remote: s.remote, local: s.local, activeSpeakerId: s.activeSpeakerId })),
  );
  const { view, stagePage, hands, reactions } = useCallStore(
    useShallow((s) => ({ view: s.stageView, stagePage: s.stagePage, hands: s.hands, reactions: s.reactions })),
  );
  const tiles = useMemo(() => buildTiles(parts), [parts]);
  const { weakKeys } = useConnectionQuality();
  useReactionExpiry();

  const spotlight = view === 'speaker' ? spotlightOf(tiles, parts.activeSpeakerId) : undefined;
  const pageable = spotlight ? tiles.filter((t) => t.key !== spotlight.key) : tiles;
  const pageSize = view === 'speaker' ? filmstripPageSize(width) : gridPageSize(width);
  const page = pageOf(pageable, pageSize, stagePage);
  usePageKeys(page.page, page.pageCount);

  // Keep the stored page in range when people leave, so the arrows and keys start from what is shown.
  useEffect(() => {
    if (page.page !== stagePage) useCallStore.getState().setStagePage(page.page);
  }, [page.page, stagePage]);

  const shown = new Set([...(spotlight ? [spotlight.key] : []), ...page.items.map((t) => t.key)]);
  // Joined into one string so the effect runs when the hidden set changes, not on every render.
  const hiddenKeys = tiles
    .filter((t) => !shown.has(t.key))
    .map((t) => t.key)
    .join('\n');
  useEffect(() => {
    if (hiddenKeys) useCallStore.getState().reportHiddenTiles(hiddenKeys.split('\n'));
  }, [hiddenKeys]);

  const handPlace = useMemo(() => new Map(hands.map((h, i) => [h.userId, i + 1])), [hands]);
  const extras = (t: TileModel): TileExtras => ({
    hand: t.source === 'camera' ? handPlace.get(t.userId) : undefined,
    reaction: t.source === 'camera' ? reactions[t.userId] : undefined,
  });
  const nextPage = () => useCallStore.getState().setStagePage(page.page + 1);
  const lastKey = page.items.at(-1)?.key;

  if (spotlight) {
    return (
      <div className="stage stage--speaker">
        <section ref={ref} className="speaker" aria-label="Video" data-view="speaker" data-count={tiles.length}>
          <div className="speaker__main">
            <Tile tile={spotlight} weak={isWeakTile(spotlight, parts.remote, weakKeys)} variant="spotlight" {...extras(spotlight)} />
          </div>
          {page.items.length > 0 && (
            <div className="speaker__strip" aria-label="Filmstrip" role="group">
              {page.items.map((t) => (
                <Tile
                  key={t.key}
                  tile={t}
                  weak={isWeakTile(t, parts.remote, weakKeys)}
                  variant="strip"
                  {...extras(t)}
                  more={t.key === lastKey ? page.more : 0}
                  onMore={nextPage}
                />
              ))}
            </div>
          )}
        </section>
        <PageNav page={page} />
      </div>
    );
  }

  const layout = gridLayout(page.items.length, width, height);
  const style = {
    '--cols': layout.cols,
    '--tile-w': layout.tileWidth ? `${layout.tileWidth}px` : '100%',
    '--tile-h': layout.tileHeight ? `${layout.tileHeight}px` : 'auto',
  } as React.CSSProperties;
  return (
    <div className="stage">
      <section
        ref={ref}
        className={`grid${layout.stacked ? ' grid--stacked' : ''}`}
        style={style}
        data-view="grid"
        data-count={tiles.length}
        data-page-size={pageSize}
        aria-label="Video"
      >
        {page.items.map((t) => (
          <Tile
            key={t.key}
            tile={t}
            weak={isWeakTile(t, parts.remote, weakKeys)}
            {...extras(t)}
            more={t.key === lastKey ? page.more : 0}
            onMore={nextPage}
          />
        ))}
      </section>
      <PageNav page={page} />
    </div>
  );
}
