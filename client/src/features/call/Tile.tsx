import { memo, useCallback, useRef } from 'react';
import { Avatar } from '../../ui/Avatar';
import { Icon } from '../../ui/Icon';
import { useMediaTrack } from './useMediaTrack';
import { useCallStore } from './callStore';
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

/**
 * One grid tile. Remote camera tiles are `figure[data-user][aria-label=username]` (the test and
 * accessibility contract); screen shares carry data-source="screen"; your own tile data-local.
 */
export const Tile = memo(function Tile({ tile, weak = false }: { tile: TileModel; weak?: boolean }) {
  const ref = useRef<HTMLElement>(null);
  const onViewport = useCallback(
    (vp: Parameters<ReturnType<typeof useCallStore.getState>['reportTileViewport']>[1]) =>
      useCallStore.getState().reportTileViewport(tile.key, vp),
    [tile.key],
  );
  useTileViewport(ref, onViewport);

  const isScreen = tile.source === 'screen';
  const label = tile.isLocal
    ? isScreen
      ? 'Your screen'
      : `You (${tile.username})`
    : isScreen
      ? `${tile.username}'s screen`
      : tile.username;
  const cls = [
    'tile',
    tile.speaking && 'tile--speaking',
    isScreen && 'tile--screen',
    tile.isLocal && 'tile--local',
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
    >
      {tile.videoTrack ? (
        <Video track={tile.videoTrack} mirrored={tile.isLocal && !isScreen} contain={isScreen} />
      ) : (
        <div className="tile__placeholder">
          <Avatar name={tile.username} size={64} />
        </div>
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
