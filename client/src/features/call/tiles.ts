/** The grid's tiles, derived from the call state. Pure, so components and tests share it. */
import type { MediaSource } from '@minimeet/shared';
import type { CallState } from './callState';

/** What one grid tile shows. */
export interface TileModel {
  key: string;
  userId: number;
  username: string;
  /** Joined by link without an account: shown with a "(guest)" mark. */
  guest: boolean;
  isLocal: boolean;
  source: 'camera' | 'screen';
  videoTrack: MediaStreamTrack | null;
  micOff: boolean;
  cameraOff: boolean;
  speaking: boolean;
}

/**
 * Tiles in display order: screen shares first, then yourself, then everyone else in the roster's
 * order (by username). Only the stage: webinar attendees (yourself included) are no tiles.
 */
export function buildTiles(
  s: Pick<CallState, 'self' | 'participants' | 'remote' | 'local' | 'activeSpeakerId'> & Partial<Pick<CallState, 'role'>>,
): TileModel[] {
  const tracks = Object.values(s.remote);
  const byUser = (userId: number, source: MediaSource) =>
    tracks.find((t) => t.userId === userId && t.source === source);
  const screens: TileModel[] = [];
  const people: TileModel[] = [];

  if (s.self && s.role !== 'attendee') {
    if (s.local.sharing) {
      screens.push({
        key: 'local:screen',
        userId: s.self.id,
        username: s.self.username,
        guest: s.self.role === 'guest',
        isLocal: true,
        source: 'screen',
        videoTrack: s.local.screenTrack,
        micOff: false,
        cameraOff: false,
        speaking: false,
      });
    }
    people.push({
      key: 'local:camera',
      userId: s.self.id,
      username: s.self.username,
      guest: s.self.role === 'guest',
      isLocal: true,
      source: 'camera',
      videoTrack: s.local.cameraOn ? s.local.cameraTrack : null,
      micOff: !s.local.micOn,
      cameraOff: !s.local.cameraOn,
      speaking: s.activeSpeakerId === s.self.id,
    });
  }

  for (const p of s.participants) {
    if (p.userId === s.self?.id || p.role === 'attendee') continue;
    const mic = byUser(p.userId, 'mic');
    const cam = byUser(p.userId, 'camera');
    const screen = byUser(p.userId, 'screen');
    if (screen && !screen.paused) {
      screens.push({
        key: `screen:${p.userId}`,
        userId: p.userId,
        username: p.username,
        guest: p.guest === true,
        isLocal: false,
        source: 'screen',
        videoTrack: screen.track,
        micOff: false,
        cameraOff: false,
        speaking: false,
      });
    }
    people.push({
      key: `user:${p.userId}`,
      userId: p.userId,
      username: p.username,
      guest: p.guest === true,
      isLocal: false,
      source: 'camera',
      videoTrack: cam && !cam.paused ? cam.track : null,
      micOff: !mic || mic.paused,
      cameraOff: !cam || cam.paused,
      speaking: s.activeSpeakerId === p.userId,
    });
  }
  return [...screens, ...people];
}
