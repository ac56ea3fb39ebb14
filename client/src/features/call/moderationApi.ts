import type { MutableSource, RoomDto, RoomInviteDto, UpdateRoomRequest } from '@minimeet/shared';
import { api } from '../../lib/http';
import { request } from '../../lib/socket';

/** What the owner and admins can do to a room and its participants (others get FORBIDDEN). */
export const moderationApi = {
  mute: (roomId: number, userId: number, source: MutableSource) =>
    request('muteParticipant', { roomId, userId, source }),
  muteAll: (roomId: number) => request('muteAll', { roomId }),
  remove: (roomId: number, userId: number) => request('removeParticipant', { roomId, userId }),
  endCall: (roomId: number) => request('endCall', { roomId }),
  setStage: (roomId: number, userId: number, onStage: boolean) => request('setStage', { roomId, userId, onStage }),
  updateRoom: (roomId: number, body: UpdateRoomRequest) => api<RoomDto>(`/rooms/${roomId}`, { method: 'PATCH', body }),
  invite: (roomId: number) => api<RoomInviteDto>(`/rooms/${roomId}/invite`),
  rotateInvite: (roomId: number) => api<RoomInviteDto>(`/rooms/${roomId}/invite/rotate`, { method: 'POST' }),
};

/** The link a user opens to join: /rooms/:id?invite=<token>. */
export function inviteLink(origin: string, roomId: number, token: string): string {
  return `${origin}/rooms/${roomId}?invite=${encodeURIComponent(token)}`;
}
