import type { RoomDto } from '@minimeet/shared';

/** A public meeting room owned by user 1 (alice), with `overrides`. */
export function testRoom(overrides: Partial<RoomDto> = {}): RoomDto {
  return {
    id: 5,
    name: 'Stand-up',
    ownerId: 1,
    maxParticipants: 8,
    visibility: 'public',
    locked: false,
    joinMuted: false,
    allowGuests: false,
    lobby: 'off',
    recordingAccess: 'moderators',
    recording: false,
    kind: 'meeting',
    participantCount: 2,
    createdAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}
