/**
 * The lobby as a host sees it (issue 20): who waits to be let in (the join answer's
 * `lobbyWaiting`, then `lobbyUpdate`), a knock sound when someone new starts waiting, and the
 * decisions. The waiting side lives in the lifecycle (status 'waiting').
 */
import type { LobbyEntry } from '@minimeet/shared';
import { describeError } from '../../lib/errors';
import { request } from '../../lib/socket';
import type { CallSlice } from './callState';
import { playKnock } from './knockSound';

export interface LobbyState {
  /** Moderators only: who waits, oldest first. */
  lobbyWaiting: LobbyEntry[];
  /** A decision the server refused (someone else decided first, the role changed), until dismissed. */
  lobbyError: string | null;
}

export interface LobbySlice extends LobbyState {
  /** The list as the server sent it; `knock` rings when someone not listed before is in it. */
  setLobbyWaiting(waiting: LobbyEntry[], knock: boolean): void;
  admitFromLobby(userId: number): Promise<void>;
  denyFromLobby(userId: number): Promise<void>;
  admitEveryone(): Promise<void>;
  dismissLobbyError(): void;
}

export const initialLobby: LobbyState = { lobbyWaiting: [], lobbyError: null };

export const createLobbySlice: CallSlice<LobbySlice> = (set, get) => {
  async function decide(work: (roomId: number) => Promise<{ waiting: LobbyEntry[] }>): Promise<void> {
    const roomId = get().roomId;
    if (roomId === null) return;
    try {
      const { waiting } = await work(roomId);
      if (get().roomId === roomId) set({ lobbyWaiting: waiting, lobbyError: null });
    } catch (err) {
      if (get().roomId === roomId) set({ lobbyError: describeError(err) });
    }
  }

  return {
    ...initialLobby,

    setLobbyWaiting(waiting, knock) {
      const before = new Set(get().lobbyWaiting.map((e) => e.userId));
      set({ lobbyWaiting: waiting });
      if (knock && waiting.some((e) => !before.has(e.userId))) playKnock();
    },

    admitFromLobby: (userId) => decide((roomId) => request('admitParticipant', { roomId, userId })),
    denyFromLobby: (userId) => decide((roomId) => request('denyParticipant', { roomId, userId })),
    admitEveryone: () => decide((roomId) => request('admitAll', { roomId })),

    dismissLobbyError() {
      set({ lobbyError: null });
    },
  };
};
