/**
 * The call's lifecycle and presence: join, leave, rejoin after a socket reconnect, the room and
 * its participants, and what the server says about them (deleted, removed, ended, moderator mute).
 */
import type { Participant, RoomDto, UserDto } from '@minimeet/shared';
import { request } from '../../lib/socket';
import { useChatStore } from '../chat/chatStore';
import { joinError, type CallError } from './callErrors';
import { subscribeCallEvents, type CallEventHandlers } from './callEvents';
import { CallSession } from './callSession';
import type { CallSlice } from './callState';
import { initialEngagement } from './engagementSlice';
import { initialLocal } from './localMediaSlice';
import { browserMediaDeps, type MediaDeps } from './mediaSessionApi';
import { initialRemoteMedia, remoteOfPresent } from './remoteMediaSlice';

export type CallStatus = 'idle' | 'joining' | 'joined' | 'left' | 'ended' | 'error';

export type SidePanel = 'chat' | 'people' | null;

export interface JoinOptions {
  /** Capture mic and camera once joined (default true). */
  capture?: boolean;
  inviteToken?: string | null;
}

export interface CallLifecycle {
  roomId: number | null;
  self: UserDto | null;
  room: RoomDto | null;
  status: CallStatus;
  error: CallError | null;
  /** Set while re-joining after a socket reconnect. */
  rejoining: boolean;
  participants: Participant[];
  /** Invite token this call was joined with (private rooms); reused on rejoin. */
  inviteToken: string | null;
  /** Something a moderator did to you ("The host muted your microphone"), until dismissed. */
  notice: string | null;
  sidePanel: SidePanel;
  /** The current call (its subscriptions and SFU media); null outside a call. */
  session: CallSession | null;
  /** Tests replace the SFU signaling and Device factory here; null = the real ones. */
  mediaDeps: MediaDeps | null;

  join(roomId: number, self: UserDto, opts?: JoinOptions): Promise<void>;
  leave(): Promise<void>;
  rejoin(): Promise<void>;
  setParticipants(participants: Participant[]): void;
  dismissNotice(): void;
  setSidePanel(panel: SidePanel): void;
}

const lifecycleAtStart = {
  roomId: null,
  self: null,
  room: null,
  status: 'idle' as CallStatus,
  error: null,
  rejoining: false,
  participants: [],
  inviteToken: null,
  notice: null,
  session: null,
} satisfies Partial<CallLifecycle>;

/** What every new call starts from (the side panel and test deps outlive calls). */
function freshCall() {
  return { ...lifecycleAtStart, ...initialRemoteMedia, ...initialEngagement, local: { ...initialLocal } };
}

export const createLifecycleSlice: CallSlice<CallLifecycle> = (set, get) => {
  /** Ends the current call on this side: its session, local tracks and chat. */
  function stopCall(): void {
    get().session?.dispose();
    get().releaseLocal();
    useChatStore.getState().close();
  }

  const eventHandlers: CallEventHandlers = {
    participants: (participants) => get().setParticipants(participants),
    roomUpdated: (room) => set({ room: { ...room, participantCount: get().participants.length } }),
    ended(error) {
      stopCall();
      set({ status: 'ended', error, session: null });
    },
    moderatorMuted(source, byUsername) {
      // The server has paused the producer already; bring the local state in line.
      get().switchOff(source);
      set({
        notice:
          source === 'mic'
            ? `The host (${byUsername}) muted your microphone.`
            : `The host (${byUsername}) turned off your camera.`,
      });
    },
    handQueue: (hands) => get().setHands(hands),
    reaction: (userId, emoji) => get().showReaction(userId, emoji),
    socketReconnected() {
      if (get().status === 'joined') void get().rejoin();
    },
  };

  const joinRequest = (roomId: number, inviteToken: string | null) =>
    request('joinRoom', inviteToken ? { roomId, inviteToken } : { roomId });

  return {
    ...lifecycleAtStart,
    sidePanel:
      typeof window !== 'undefined' && window.matchMedia?.('(max-width: 899px)').matches ? null : 'chat',
    mediaDeps: null,

    async join(roomId, self, opts = {}) {
      stopCall();
      const inviteToken = opts.inviteToken ?? null;
      const call = new CallSession({
        roomId,
        selfId: self.id,
        media: get().mediaDeps ?? browserMediaDeps(),
        sink: get(),
      });
      set({ ...freshCall(), roomId, self, inviteToken, status: 'joining', session: call });
      let joinedMuted: boolean;
      call.own(subscribeCallEvents(roomId, eventHandlers));
      try {
        const data = await joinRequest(roomId, inviteToken);
        if (call.disposed) return;
        joinedMuted = data.joinMuted === true;
        set({ room: data.room, participants: data.participants, hands: data.hands ?? [], status: 'joined', error: null });
        call.startMedia(data);
      } catch (err) {
        if (call.disposed) return;
        stopCall();
        set({ status: 'error', error: joinError(err, inviteToken !== null), session: null });
        return;
      }
      void useChatStore.getState().open(roomId, self.id);
      // A join-muted room: the server starts the first microphone paused; the UI starts it off too.
      if (joinedMuted) set({ notice: 'You joined muted (the host set it for this room): unmute when you want to speak.' });
      if (opts.capture !== false) await get().captureForCall({ micOff: joinedMuted });
    },

    async leave() {
      const { roomId, status } = get();
      stopCall();
      set({ ...freshCall(), status: 'left' });
      if (roomId !== null && (status === 'joined' || status === 'joining')) {
        try {
          await request('leaveRoom', { roomId }, { timeoutMs: 3000 });
        } catch {
          // Gone anyway: the server counts a disconnect as leaving after its grace period.
        }
      }
    },

    async rejoin() {
      const { roomId, inviteToken, session: call } = get();
      if (roomId === null || !call) return;
      set({ rejoining: true });
      call.markResync();
      try {
        const data = await joinRequest(roomId, inviteToken);
        if (call.disposed) return;
        set({ room: data.room, participants: data.participants, hands: data.hands ?? get().hands, rejoining: false, error: null });
        void useChatStore.getState().resync();
        call.reconnectMedia(data);
      } catch (err) {
        if (call.disposed) return;
        stopCall();
        set({ rejoining: false, status: 'error', error: joinError(err), session: null });
      }
    },

    setParticipants(participants) {
      set({ participants, ...remoteOfPresent(get(), participants) });
    },

    dismissNotice() {
      set({ notice: null });
    },

    setSidePanel(panel) {
      set({ sidePanel: panel });
    },
  };
};
