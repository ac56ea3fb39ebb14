/**
 * The call's lifecycle and presence: join, leave, rejoin after a socket reconnect, the room and
 * its participants, and what the server says about them (deleted, removed, ended, moderator mute).
 */
import {
  ParticipantRoster,
  type JoinRoomData,
  type Participant,
  type ParticipantRole,
  type ParticipantsDeltaEvent,
  type RoomDto,
  type UserDto,
} from '@minimeet/shared';
import { AppError } from '../../lib/errors';
import { request } from '../../lib/socket';
import { useChatStore } from '../chat/chatStore';
import { joinError, lobbyDeniedError, type CallError } from './callErrors';
import { stopTrack } from './capture';
import { subscribeCallEvents, type CallEventHandlers } from './callEvents';
import { CallSession } from './callSession';
import type { CallSlice } from './callState';
import { initialEngagement } from './engagementSlice';
import { initialLobby } from './lobbySlice';
import { initialLocal, type PreparedMedia } from './localMediaSlice';
import { browserMediaDeps, type MediaDeps } from './mediaSessionApi';
import { initialRecording } from './recordingSlice';
import { initialRemoteMedia, remoteOfPresent } from './remoteMediaSlice';

/** 'waiting': held in the room's lobby until a moderator lets us in (then 'joining' again). */
export type CallStatus = 'idle' | 'joining' | 'waiting' | 'joined' | 'left' | 'ended' | 'error';

export type SidePanel = 'chat' | 'people' | null;

export interface JoinOptions {
  /** Capture mic and camera once joined (default true). */
  capture?: boolean;
  /** Start with the microphone muted (captured, its producer paused) or the camera off (not captured). */
  micOff?: boolean;
  cameraOff?: boolean;
  inviteToken?: string | null;
  /** Mic and camera chosen on the pre-join screen: used instead of capturing (capture is then ignored). */
  prepared?: PreparedMedia;
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
  /** Your role in the call: a webinar 'attendee' only watches until a host brings you on stage. */
  role: ParticipantRole;
  /** Invite token this call was joined with (private rooms); reused on rejoin. */
  inviteToken: string | null;
  /** Something a moderator did to you ("The host muted your microphone"), until dismissed. */
  notice: string | null;
  sidePanel: SidePanel;
  /** The current call (its subscriptions and SFU media); null outside a call. */
  session: CallSession | null;
  /**
   * While waiting in the lobby after the pre-join screen: the camera chosen there (null: chosen
   * off), shown by the waiting view. null when the call did not come from the pre-join screen.
   */
  lobbyPreview: { cameraTrack: MediaStreamTrack | null } | null;
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
  role: 'speaker' as ParticipantRole,
  inviteToken: null,
  notice: null,
  session: null,
  lobbyPreview: null,
} satisfies Partial<CallLifecycle>;

/** What every new call starts from (the side panel and test deps outlive calls). */
function freshCall() {
  return {
    ...lifecycleAtStart,
    ...initialRemoteMedia,
    ...initialEngagement,
    ...initialLobby,
    ...initialRecording,
    local: { ...initialLocal },
  };
}

/** Tracks made ready for a call that did not take them (refused, or an attendee): their lights go off. */
function dropPrepared(prepared: PreparedMedia | undefined): void {
  stopTrack(prepared?.micTrack);
  stopTrack(prepared?.cameraTrack);
}

export const createLifecycleSlice: CallSlice<CallLifecycle> = (set, get) => {
  /** Ends the current call on this side: its session, local tracks and chat. */
  function stopCall(): void {
    get().session?.dispose();
    get().releaseLocal();
    dropPrepared(takePrepared());
    useChatStore.getState().close();
  }

  /**
   * Who is present, as the server sends it: the join answer's snapshot (paged), then deltas.
   * Deltas that come before the join answer wait in `early` (the answer's snapshot may or may
   * not include them; applying them after it is right either way).
   */
  let roster: ParticipantRoster | null = null;
  let early: ParticipantsDeltaEvent[] = [];
  /** The roster whose pages are being loaded (one loop per roster). */
  let paging: ParticipantRoster | null = null;

  function showRoster(r: ParticipantRoster): void {
    if (roster === r) get().setParticipants(r.list());
  }

  /**
   * Your role as the server says it (join answer, then `changed` deltas). On stage: the session
   * may publish and you are asked to turn mic and camera on. Back in the audience: the server has
   * closed your producers; your tracks stop here.
   */
  function applyRole(role: ParticipantRole, announce: boolean): void {
    const before = get().role;
    set({ role });
    get().session?.setCanSend(role !== 'attendee');
    if (!announce || before === role) return;
    if (role === 'attendee') {
      for (const source of ['mic', 'camera', 'screen'] as const) get().setLocalSource(source, null, false);
      set({ notice: 'A host moved you back to the audience.' });
    } else if (before === 'attendee') {
      set({ notice: 'A host brought you on stage: turn on your microphone and camera when you are ready.' });
    }
  }

  /** Starts the roster of a join answer and loads the snapshot's other pages. */
  function startRoster(roomId: number, call: CallSession, data: JoinRoomData): ParticipantRoster {
    const r = new ParticipantRoster(data.participants, data.participantsCursor);
    for (const delta of early) r.applyDelta(delta);
    early = [];
    roster = r;
    void loadRest(roomId, call, r);
    return r;
  }

  async function loadRest(roomId: number, call: CallSession, r: ParticipantRoster): Promise<void> {
    if (paging === r) return;
    paging = r;
    try {
      while (r.cursor !== null && roster === r && !call.disposed) {
        const generation = r.generation;
        const page = await request('loadParticipants', { roomId, cursor: r.cursor });
        // Asked before a resync: it belongs to the old snapshot.
        if (r.generation !== generation) continue;
        r.addPage(page.participants, page.nextCursor);
        showRoster(r);
      }
    } catch {
      // The socket dropped or we left: a rejoin starts a new snapshot.
    } finally {
      if (paging === r) paging = null;
    }
  }

  const eventHandlers: CallEventHandlers = {
    participantsDelta(delta) {
      if (!roster) {
        early.push(delta);
        return;
      }
      roster.applyDelta(delta);
      showRoster(roster);
      const selfId = get().self?.id;
      const mine = delta.changed?.find((p) => p.userId === selfId);
      if (mine) applyRole(mine.role, true);
    },
    participantsResync() {
      const { roomId, session: call } = get();
      if (!roster || roomId === null || !call) return;
      roster.resync();
      void loadRest(roomId, call, roster);
    },
    roomUpdated: (room) => set({ room: { ...room, participantCount: get().participants.length } }),
    ended(error) {
      stopCall();
      set({ status: 'ended', error, session: null });
    },
    moderatorMuted(source, byUsername) {
      // The server has paused the producer already; bring the local state in line.
      get().session?.sourcePausedByServer(source);
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
    recordingState: (state) => get().applyRecordingState(state, true),
    socketReconnected() {
      const status = get().status;
      if (status === 'joined') void get().rejoin();
      // A new socket is not the one that waited: it asks again (a moderator sees it still waiting).
      else if (status === 'waiting') void enter();
    },
    lobbyUpdate: (waiting) => get().setLobbyWaiting(waiting, true),
    lobbyAdmitted() {
      if (get().status === 'waiting') void enter();
    },
    lobbyDenied() {
      if (get().status !== 'waiting') return;
      stopCall();
      set({ status: 'error', error: lobbyDeniedError, session: null });
    },
  };

  const joinRequest = (roomId: number, inviteToken: string | null) =>
    request('joinRoom', inviteToken ? { roomId, inviteToken } : { roomId });

  /**
   * How the current call was asked to start, kept for a join after waiting in the lobby: the
   * pre-join screen's tracks stay live (its preview) until the call takes them or ends.
   */
  let entering: { capture: boolean; micOff: boolean; cameraOff: boolean; prepared?: PreparedMedia } = {
    capture: true,
    micOff: false,
    cameraOff: false,
  };

  /** Hands the pre-join tracks to the caller once (null when there were none or they went). */
  function takePrepared(): PreparedMedia | undefined {
    const prepared = entering.prepared;
    entering = { ...entering, prepared: undefined };
    return prepared;
  }

  /**
   * Sends joinRoom for the current call and starts it: the first join, and again once the lobby
   * lets us in. WAITING_IN_LOBBY leaves the call waiting (its events stay subscribed).
   */
  async function enter(): Promise<void> {
    const { roomId, self, inviteToken, session: call } = get();
    if (roomId === null || !self || !call) return;
    set({ status: 'joining' });
    let joinedMuted: boolean;
    let attendee: boolean;
    try {
      const data = await joinRequest(roomId, inviteToken);
      if (call.disposed) return dropPrepared(takePrepared());
      joinedMuted = data.joinMuted === true;
      attendee = data.role === 'attendee';
      const r = startRoster(roomId, call, data);
      // The toggles stay busy until the media below is in place: a toggle (or an embed command) in
      // between would be undone by it.
      const capturing = !attendee && (entering.prepared !== undefined || entering.capture);
      set({ room: data.room, participants: r.list(), hands: data.hands ?? [], status: 'joined', error: null, lobbyPreview: null, local: { ...get().local, busy: capturing } });
      if (data.lobbyWaiting) get().setLobbyWaiting(data.lobbyWaiting, false);
      get().applyRecordingState(data.recording ?? null, false);
      // Before the media starts: an attendee's session makes no send transport.
      applyRole(data.role ?? 'speaker', false);
      call.startMedia(data);
    } catch (err) {
      if (call.disposed) return dropPrepared(takePrepared());
      if (err instanceof AppError && err.code === 'WAITING_IN_LOBBY') {
        const prepared = entering.prepared;
        set({ status: 'waiting', error: null, lobbyPreview: prepared ? { cameraTrack: prepared.cameraTrack } : null });
        return;
      }
      stopCall();
      set({ status: 'error', error: joinError(err, inviteToken !== null), session: null });
      return;
    }
    void useChatStore.getState().open(roomId, self.id);
    // A join-muted room: the server starts the first microphone paused; the UI starts it off too.
    if (joinedMuted) set({ notice: 'You joined muted (the host set it for this room): unmute when you want to speak.' });
    // An attendee captures nothing until brought on stage.
    const prepared = takePrepared();
    if (attendee) dropPrepared(prepared);
    else if (prepared) await get().adoptPrepared(prepared, { micOff: joinedMuted });
    else if (entering.capture)
      await get().captureForCall({ micOff: joinedMuted || entering.micOff, cameraOff: entering.cameraOff });
    if (get().session === call && get().local.busy) set({ local: { ...get().local, busy: false } });
  }

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
      roster = null;
      early = [];
      entering = {
        capture: opts.capture !== false,
        micOff: opts.micOff === true,
        cameraOff: opts.cameraOff === true,
        prepared: opts.prepared,
      };
      set({ ...freshCall(), roomId, self, inviteToken, status: 'joining', session: call });
      call.own(subscribeCallEvents(roomId, eventHandlers));
      await enter();
    },

    async leave() {
      const { roomId, status } = get();
      stopCall();
      set({ ...freshCall(), status: 'left' });
      // A waiting socket's leaveRoom takes it off the lobby's list.
      if (roomId !== null && (status === 'joined' || status === 'joining' || status === 'waiting')) {
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
      roster = null;
      early = [];
      call.markResync();
      try {
        const data = await joinRequest(roomId, inviteToken);
        if (call.disposed) return;
        const r = startRoster(roomId, call, data);
        set({ room: data.room, participants: r.list(), hands: data.hands ?? get().hands, rejoining: false, error: null });
        if (data.lobbyWaiting) get().setLobbyWaiting(data.lobbyWaiting, false);
      get().applyRecordingState(data.recording ?? null, false);
        applyRole(data.role ?? 'speaker', true);
        // Started or stopped while we were away: say so.
        get().applyRecordingState(data.recording ?? get().recording, true);
        void useChatStore.getState().resync();
        call.reconnectMedia(data);
      } catch (err) {
        if (call.disposed) return;
        const self = get().self;
        if (err instanceof AppError && err.code === 'WAITING_IN_LOBBY' && self) {
          // Back after the call ended (admissions end with it): wait in the lobby as a new call.
          await get().join(roomId, self, { inviteToken, capture: entering.capture });
          return;
        }
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
