import type { CreateRoomRequest, RoomDto, RoomLimitsDto, SearchResponse } from '@minimeet/shared';
import { api } from '../../lib/http';

export const lobbyApi = {
  listRooms: (signal?: AbortSignal) => api<RoomDto[]>('/rooms', { signal }),
  roomLimits: () => api<RoomLimitsDto>('/rooms/limits'),
  getRoom: (id: number) => api<RoomDto>(`/rooms/${id}`),
  createRoom: (body: CreateRoomRequest) => api<RoomDto>('/rooms', { method: 'POST', body }),
  deleteRoom: (id: number) => api<void>(`/rooms/${id}`, { method: 'DELETE' }),
  searchMessages: (q: string, roomId?: number, signal?: AbortSignal) =>
    api<SearchResponse>('/messages/search', { query: { q, roomId }, signal }),
};
