import { memo, useCallback, useRef } from 'react';
import { Avatar } from '../../ui/Avatar';
import { Icon } from '../../ui/Icon';
import { useMediaTrack } from './useMediaTrack';
import { useCallStore } from './callStore';
import type { ShownReaction } from './engagementSlice';
import type { TileModel } from './tiles';
import { useTileViewport } from './useTileViewport';

function Video({
  track,
  mirrored,
  contain,
}: {
  track: MediaStreamTrack;
  mirrored: boolean;
  contain: boolean;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useMediaTrack(ref, track);
  return (
    <video
      ref={ref}
      className={`tile__video${mirrored ? ' tile__video--mirrored' : ''}${contain ? ' tile__video--contain' : ''}`}
      autoPlay
      playsInline
      muted
    />
  );
}

/** What a tile shows besides its media: its place in the hand queue, a reaction, "N more". */
export interface TileExtras {
  /** 1-based place in the raised-hand queue; undefined: hand down. */
  hand?: number;
  reaction?: ShownReaction;
  /** People after this page: the tile carries "N more", a button to the next page. */
  more?: number;
  onMore?: () => void;
  /** The speaker view's big tile / a filmstrip tile (styling only). */
  variant?: 'grid' | 'spotlight' | 'strip';
}

/**
 * One grid tile. Remote camera tiles are `figure[data-user][aria-label=username]` (the test and
 * accessibility contract; a guest's label and caption add "(guest)"); screen shares carry data-source="screen"; your own tile data-local.
 */
export const Tile = memo(function Tile({
  tile,
  weak = false,
  hand,
  reaction,
  more = 0,
  onMore,
  variant = 'grid',
}: { tile: TileModel; weak?: boolean } & TileExtras) {
  const ref = useRef<HTMLElement>(null);
  // A tile that unmounts (paged away, spotlight changed) is not seen: reported hidden, so its video
  // pauses instead of falling back to "no viewport known" (which receives).
  const onViewport = useCallback(
    (vp: Parameters<ReturnType<typeof useCallStore.getState>['reportTileViewport']>[1]) =>
      vp ? useCallStore.getState().reportTileViewport(tile.key, vp) : useCallStore.getState().reportHiddenTiles([tile.key]),
    [tile.key],
  );
  useTileViewport(ref, onViewport);

  const isScreen = tile.source === 'screen';
  // A guest's name is its own choice: the mark keeps it from passing for an account.
  const name = tile.guest ? `${tile.username} (guest)` : tile.username;
  const label = tile.isLocal
    ? isScreen
      ? 'Your screen'
      : `You (${name})`
    : isScreen
      ? `${name}'s screen`
      : name;
  const cls = [
    'tile',
    tile.speaking && 'tile--speaking',
    isScreen && 'tile--screen',
    tile.isLocal && 'tile--local',
    variant !== 'grid' && `tile--${variant}`,
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <figure
      ref={ref}
      className={cls}
      aria-label={label}
      data-user={tile.isLocal ? undefined : tile.username}
      data-local={tile.isLocal ? 'true' : undefined}
      data-source={tile.source}
      data-mic={tile.micOff ? 'off' : 'on'}
      data-camera={tile.cameraOff ? 'off' : 'on'}
      data-speaking={tile.speaking ? 'true' : undefined}
      data-weak={weak ? 'true' : undefined}
      data-hand={hand !== undefined ? String(hand) : undefined}
    >
      {tile.videoTrack ? (
        <Video track={tile.videoTrack} mirrored={tile.isLocal && !isScreen} contain={isScreen} />
      ) : (
        <div className="tile__placeholder">
          <Avatar name={tile.username} size={64} />
        </div>
      )}
      {hand !== undefined && !isScreen && (
        <span className="tile__hand" data-testid="hand-raised" role="img" aria-label={`Hand raised (${hand} in the queue)`} title="Hand raised">
          <Icon name="hand" size={16} />
          <span className="tile__hand-place">{hand}</span>
        </span>
      )}
      {reaction && !isScreen && (
        <span key={reaction.seq} className="tile__reaction" data-testid="reaction" role="img" aria-label={`Reaction ${reaction.emoji}`}>
          {reaction.emoji}
        </span>
      )}
      {more > 0 && (
        <button type="button" className="tile__more" onClick={onMore} aria-label={`${more} more: next page`}>
          +{more} more
        </button>
      )}
      <figcaption className="tile__caption">
        <span className="tile__name">
          {tile.isLocal
            ? isScreen
              ? 'Your screen'
              : `${tile.username} (you)`
            : isScreen
              ? `${tile.username} · screen`
              : tile.username}
          {tile.guest && <span className="tile__guest"> (guest)</span>}
        </span>
        {weak && (
          <span className="tile__weak" data-testid="weak-signal" title="Weak connection: this stream reaches you poorly" role="img" aria-label="Weak connection">
            <span />
            <span />
            <span />
          </span>
        )}
        {!isScreen && tile.micOff && (
          <span className="tile__state" data-testid="mic-off" title="Microphone off">
            <Icon name="micOff" size={16} />
            <span className="visually-hidden">Microphone off</span>
          </span>
        )}
        {!isScreen && tile.cameraOff && (
          <span className="tile__state" data-testid="camera-off" title="Camera off">
            <Icon name="cameraOff" size={16} />
            <span className="visually-hidden">Camera off</span>
          </span>
        )}
      </figcaption>
    </figure>
  );
});
