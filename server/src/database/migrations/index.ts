import type { MigrationInterface } from 'typeorm';
import { AuthRoomsChat1750000000000 } from './1750000000000-auth-rooms-chat.js';
import { TokenVersions1760000000000 } from './1760000000000-token-versions.js';
import { PrivateRoomsModeration1760000001000 } from './1760000001000-private-rooms-moderation.js';
import { OneOpenCallPerRoom1760000002000 } from './1760000002000-one-open-call-per-room.js';
import { RoomJoinMuted1770000000000 } from './1770000000000-room-join-muted.js';
import { RoomKind1770000001000 } from './1770000001000-room-kind.js';
import { Attachments1780000000000 } from './1780000000000-attachments.js';
import { Webhooks1790000000000 } from './1790000000000-webhooks.js';
import { ApiKeys1790000001000 } from './1790000001000-api-keys.js';
import { RoomAllowGuests1790000002000 } from './1790000002000-room-allow-guests.js';
import { RoomLobbyRecordingAccess1800000000000 } from './1800000000000-room-lobby-recording-access.js';
import { Recordings1800000001000 } from './1800000001000-recordings.js';

type MigrationClass = new () => MigrationInterface;

/** Every schema migration, oldest first. Each module appends its own here. */
export const MIGRATIONS: MigrationClass[] = [
  AuthRoomsChat1750000000000,
  TokenVersions1760000000000,
  PrivateRoomsModeration1760000001000,
  OneOpenCallPerRoom1760000002000,
  RoomJoinMuted1770000000000,
  RoomKind1770000001000,
  Attachments1780000000000,
  Webhooks1790000000000,
  ApiKeys1790000001000,
  RoomAllowGuests1790000002000,
  RoomLobbyRecordingAccess1800000000000,
  Recordings1800000001000,
];
