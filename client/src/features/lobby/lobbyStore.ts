import type { RoomDto, RoomKind, RoomVisibility, SearchResult } from '@minimeet/shared';
import { create } from 'zustand';
import { describeError } from '../../lib/errors';
import { lobbyApi } from './lobbyApi';

export interface LobbyState {
  rooms: RoomDto[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  loadRooms(): Promise<void>;
  createRoom(name: string, maxParticipants?: number, visibility?: RoomVisibility, kind?: RoomKind): Promise<RoomDto>;
  /** A live presence count (e.g. the call's participant list). */
  setParticipantCount(roomId: number, count: number): void;
  removeRoom(roomId: number): void;

  search: {
    query: string;
    roomId: number | null;
    status: 'idle' | 'loading' | 'ready' | 'error';
    results: SearchResult[];
    error: string | null;
  };
  runSearch(query: string, roomId?: number | null): Promise<void>;
  clearSearch(): void;
}

const byNewest = (a: RoomDto, b: RoomDto) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id;
let searchSeq = 0;

export const useLobbyStore = create<LobbyState>()((set, get) => ({
  rooms: [],
  status: 'idle',
  error: null,
  async loadRooms() {
    if (get().status !== 'ready') set({ status: 'loading' });
    try {
      const rooms = await lobbyApi.listRooms();
      set({ rooms: [...rooms].sort(byNewest), status: 'ready', error: null });
    } catch (err) {
      // Keep showing the last list while the server is briefly unreachable.
      set({ status: get().rooms.length ? 'ready' : 'error', error: describeError(err) });
    }
  },
  async createRoom(name, maxParticipants, visibility, kind) {
    const room = await lobbyApi.createRoom({
      name,
      ...(maxParticipants ? { maxParticipants } : {}),
      ...(visibility === 'private' ? { visibility } : {}),
      ...(kind === 'webinar' ? { kind } : {}),
    });
    set({ rooms: [room, ...get().rooms.filter((r) => r.id !== room.id)] });
    return room;
  },
  setParticipantCount(roomId, count) {
    set({ rooms: get().rooms.map((r) => (r.id === roomId ? { ...r, participantCount: count } : r)) });
  },
  removeRoom(roomId) {
    set({ rooms: get().rooms.filter((r) => r.id !== roomId) });
  },

  search: { query: '', roomId: null, status: 'idle', results: [], error: null },
  async runSearch(query, roomId = null) {
    const q = query.trim();
    if (!q) {
      get().clearSearch();
      return;
    }
    const seq = ++searchSeq;
    set({ search: { ...get().search, query: q, roomId, status: 'loading', error: null } });
    try {
      const res = await lobbyApi.searchMessages(q, roomId ?? undefined);
      if (seq !== searchSeq) return;
      set({ search: { query: q, roomId, status: 'ready', results: res.results, error: null } });
    } catch (err) {
      if (seq !== searchSeq) return;
      set({ search: { query: q, roomId, status: 'error', results: [], error: describeError(err) } });
    }
  },
  clearSearch() {
    searchSeq++;
    set({ search: { query: '', roomId: null, status: 'idle', results: [], error: null } });
  },
}));
