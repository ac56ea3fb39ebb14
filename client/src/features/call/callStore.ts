/**
 * The call: presence, local capture, and the view model of remote media.
 *
 * Phase 1 (now): join/leave over the socket, participants, chat wiring, reconnect → rejoin,
 * local preview and local mic/camera/screen state.
 * Phase 2 (SFU, issue 4): a media session built on mediasoup-client feeds `remote` through
 * `upsertRemoteTrack` / `setRemotePaused` / `removeRemoteTrack` / `setActiveSpeaker`, turns the
 * local toggles into produce / pauseProducer / resumeProducer / closeProducer, and reads
 * `tileViewports` (see layout.desiredVideoReception) to pause hidden tiles and pick simulcast
 * layers. Nothing in the components has to change for that.
 */
import type { JoinRoomData, Participant, RoomDto, UserDto } from '@minimeet/shared';
import { Device } from 'mediasoup-client';
import { create } from 'zustand';
import { AppError, describeError } from '../../lib/errors';
import { onServerEvent, onSocketConnect, request } from '../../lib/socket';
import { useChatStore } from '../chat/chatStore';
import { emptyNetworkHealth, markScore, withTransportState, type NetworkHealth, type TransportConnectionState, type TransportDirection } from './connectionQuality';
import type { TileViewport } from './layout';
import { captureCamera, captureMic, captureMicAndCamera, captureScreen, MediaAccessError, stopTrack } from './localMedia';
import { MediaSession, type MediaStatus } from '@minimeet/media-session';
import { socketSignaling, type MediaSignaling } from './mediaSignaling';
import type { JoinMedia } from './mediaTypes';
import type { Device as MediaDevice } from 'mediasoup-client/types';

export type MediaSource = 'mic' | 'camera' | 'screen';

/** A remote track as the UI needs it (fed by the SFU layer in phase 2). */
export interface RemoteTrack {
  /** The producer id: one per user and source. */
  key: string;
  userId: number;
  source: MediaSource;
  kind: 'audio' | 'video';
  /** The sender paused it (muted mic / camera off). */
  paused: boolean;
  /** Null until consumed. */
  track: MediaStreamTrack | null;
}

export interface LocalMedia {
  micTrack: MediaStreamTrack | null;
  cameraTrack: MediaStreamTrack | null;
  screenTrack: MediaStreamTrack | null;
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
  /** Capture in progress (a permission prompt may be open). */
  busy: boolean;
  micDeviceId: string | null;
  cameraDeviceId: string | null;
  speakerDeviceId: string | null;
  /** Last capture problem, readable (camera denied, no microphone…). */
  error: string | null;
}

export type CallStatus = 'idle' | 'joining' | 'joined' | 'left' | 'ended' | 'error';

export interface CallError {
  code: AppError['code'] | 'ROOM_DELETED' | 'BAD_ROOM' | 'CALL_ENDED';
  message: string;
}

export type SidePanel = 'chat' | 'people' | null;

export interface CallState {
  roomId: number | null;
  self: UserDto | null;
  room: RoomDto | null;
  status: CallStatus;
  error: CallError | null;
  /** Set while re-joining after a socket reconnect. */
  rejoining: boolean;
  participants: Participant[];
  remote: Record<string, RemoteTrack>;
  activeSpeakerId: number | null;
  tileViewports: Record<string, TileViewport>;
  /** State of the SFU media connection ('idle' when the server offers no media). */
  mediaStatus: MediaStatus;
  /** Transport states and stream scores behind the "poor connection / reconnecting" indicator. */
  network: NetworkHealth;
  local: LocalMedia;
  sidePanel: SidePanel;
  /** Invite token this call was joined with (private rooms); reused on rejoin. */
  inviteToken: string | null;
  /** Something a moderator did to you ("The host muted your microphone"), until dismissed. */
  notice: string | null;

  join(roomId: number, self: UserDto, opts?: { capture?: boolean; inviteToken?: string | null }): Promise<void>;
  leave(): Promise<void>;
  rejoin(): Promise<void>;
  toggleMic(): Promise<void>;
  toggleCamera(): Promise<void>;
  toggleScreenShare(): Promise<void>;
  selectDevice(kind: 'mic' | 'camera' | 'speaker', deviceId: string): Promise<void>;
  dismissMediaError(): void;
  dismissNotice(): void;
  setSidePanel(panel: SidePanel): void;

  // Fed by the SFU layer (phase 2) and by server events.
  setParticipants(participants: Participant[]): void;
  upsertRemoteTrack(track: RemoteTrack): void;
  setRemotePaused(key: string, paused: boolean): void;
  removeRemoteTrack(key: string): void;
  setActiveSpeaker(userId: number | null): void;
  setMediaStatus(status: MediaStatus, error?: string | null): void;
  setTransportState(direction: TransportDirection, state: TransportConnectionState): void;
  setUplinkScore(source: MediaSource, score: number | null): void;
  setDownlinkScore(key: string, score: { score: number; producerScore: number } | null): void;
  reportTileViewport(tileKey: string, viewport: TileViewport | null): void;
}

const initialLocal: LocalMedia = {
  micTrack: null,
  cameraTrack: null,
  screenTrack: null,
  micOn: false,
  cameraOn: false,
  sharing: false,
  busy: false,
  micDeviceId: null,
  cameraDeviceId: null,
  speakerDeviceId: null,
  error: null,
};

const initialCall = {
  roomId: null,
  self: null,
  room: null,
  status: 'idle' as CallStatus,
  error: null,
  rejoining: false,
  participants: [] as Participant[],
  remote: {} as Record<string, RemoteTrack>,
  activeSpeakerId: null,
  tileViewports: {} as Record<string, TileViewport>,
  mediaStatus: 'idle' as MediaStatus,
  network: emptyNetworkHealth,
  inviteToken: null as string | null,
  notice: null as string | null,
};

/** Bumped on every join/leave so late async results of an old call are dropped. */
let generation = 0;
let unsubscribers: Array<() => void> = [];

/** The media session of the current call (null without SFU media). */
let session: MediaSession | null = null;

export interface MediaDeps {
  signaling: MediaSignaling;
  createDevice: () => MediaDevice;
}
let mediaDeps: MediaDeps | null = null;

/** Tests: replace the signaling / mediasoup-client Device factory (null restores the real ones). */
export function setMediaDeps(deps: MediaDeps | null): void {
  mediaDeps = deps;
}

function currentMediaDeps(): MediaDeps {
  return mediaDeps ?? { signaling: socketSignaling, createDevice: () => new Device() };
}

/** The media part of joinRoom's answer, when the server has an SFU. */
export function joinMediaOf(data: JoinRoomData): JoinMedia | null {
  if (!data.routerRtpCapabilities) return null;
  return { routerRtpCapabilities: data.routerRtpCapabilities, producers: data.producers ?? [], ...(data.resumedMedia ? { resumedMedia: data.resumedMedia } : {}) };
}

function closeSession(): void {
  session?.close();
  session = null;
}

/** Test hook: the current media session. */
export function currentMediaSession(): MediaSession | null {
  return session;
}

function releaseLocal(local: LocalMedia): void {
  stopTrack(local.micTrack);
  stopTrack(local.cameraTrack);
  stopTrack(local.screenTrack);
}

function joinError(err: unknown): CallError {
  if (err instanceof AppError) {
    if (err.code === 'ROOM_FULL') return { code: err.code, message: 'This room is full. Try again when someone leaves.' };
    if (err.code === 'NOT_FOUND') return { code: err.code, message: 'This room does not exist or has been deleted.' };
    if (err.code === 'ROOM_LOCKED') return { code: err.code, message: 'This room is locked: nobody new can join right now.' };
    if (err.code === 'INVITE_REQUIRED') return { code: err.code, message: 'This room is private: ask for an invite link.' };
    if (err.code === 'REMOVED_FROM_ROOM') return { code: err.code, message: 'You were removed from this room. The host can let you back in.' };
    return { code: err.code, message: describeError(err) };
  }
  return { code: 'INTERNAL', message: describeError(err) };
}

export const useCallStore = create<CallState>()((set, get) => {
  const patchLocal = (patch: Partial<LocalMedia>) => set({ local: { ...get().local, ...patch } });

  function subscribe(roomId: number): void {
    unsubscribers.forEach((u) => u());
    unsubscribers = [
      onServerEvent('participantsUpdate', (p) => {
        if (p.roomId === get().roomId) get().setParticipants(p.participants);
      }),
      onServerEvent('roomDeleted', (p) => {
        if (p.roomId === get().roomId) endHere({ code: 'ROOM_DELETED', message: 'This room was deleted by its owner.' });
      }),
      onServerEvent('removedFromRoom', (p) => {
        if (p.roomId === get().roomId) endHere({ code: 'REMOVED_FROM_ROOM', message: `You were removed from this room by ${p.byUsername}.` });
      }),
      onServerEvent('callEnded', (p) => {
        if (p.roomId === get().roomId) endHere({ code: 'CALL_ENDED', message: `The host (${p.byUsername}) ended the call for everyone.` });
      }),
      onServerEvent('roomUpdated', (p) => {
        if (p.room.id === get().roomId) set({ room: { ...p.room, participantCount: get().participants.length } });
      }),
      onServerEvent('moderatorMuted', (p) => {
        if (p.roomId !== get().roomId) return;
        // The server has paused the producer already; bring the local state in line.
        const { local } = get();
        if (p.source === 'mic') {
          if (local.micTrack) local.micTrack.enabled = false;
          patchLocal({ micOn: false });
          if (local.micTrack) void session?.setSource('mic', local.micTrack, true);
          set({ notice: `The host (${p.byUsername}) muted your microphone.` });
        } else {
          stopTrack(local.cameraTrack);
          patchLocal({ cameraTrack: null, cameraOn: false });
          void session?.setSource('camera', null, true);
          set({ notice: `The host (${p.byUsername}) turned off your camera.` });
        }
      }),
      onServerEvent('newMessage', (p) => useChatStore.getState().receive(p.message)),
      onServerEvent('messageError', (p) => {
        if (p.clientMessageId) useChatStore.getState().markFailed(p.clientMessageId, p.error.message);
      }),
      onSocketConnect(({ reconnect }) => {
        if (reconnect && get().roomId === roomId && get().status === 'joined') void get().rejoin();
      }),
    ];
  }

  /** The server took us out of the room (deleted, removed, call ended): stop everything, say why. */
  function endHere(error: CallError): void {
    generation++;
    closeSession();
    releaseLocal(get().local);
    unsubscribe();
    useChatStore.getState().close();
    set({ status: 'ended', error, local: { ...initialLocal } });
  }

  function unsubscribe(): void {
    unsubscribers.forEach((u) => u());
    unsubscribers = [];
  }

  /** Creates the SFU media session of this call (listening already) with the local tracks it should send. */
  function createSession(roomId: number, selfId: number): void {
    const deps = currentMediaDeps();
    closeSession();
    const s = new MediaSession({
      roomId,
      selfId,
      signaling: deps.signaling,
      createDevice: deps.createDevice,
      sink: get(),
      devicePixelRatio: () => (typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1),
    });
    session = s;
    s.listen();
    void s.setViewports(get().tileViewports);
  }

  return {
    ...initialCall,
    local: { ...initialLocal },
    sidePanel: typeof window !== 'undefined' && window.matchMedia?.('(max-width: 899px)').matches ? null : 'chat',

    async join(roomId, self, opts = {}) {
      const gen = ++generation;
      closeSession();
      releaseLocal(get().local);
      const inviteToken = opts.inviteToken ?? null;
      set({ ...initialCall, roomId, self, inviteToken, status: 'joining', local: { ...initialLocal } });
      subscribe(roomId);
      try {
        // The media session listens before joinRoom so no producer announced meanwhile is lost.
        createSession(roomId, self.id);
        const data = await request('joinRoom', inviteToken ? { roomId, inviteToken } : { roomId });
        if (gen !== generation) return;
        set({ room: data.room, participants: data.participants, status: 'joined', error: null });
        const media = joinMediaOf(data);
        if (media && session) void session.start(media);
        else closeSession();
      } catch (err) {
        if (gen !== generation) return;
        closeSession();
        unsubscribe();
        set({ status: 'error', error: joinError(err) });
        return;
      }
      void useChatStore.getState().open(roomId, self.id);

      if (opts.capture === false) return;
      patchLocal({ busy: true });
      const captured = await captureMicAndCamera();
      if (gen !== generation) {
        stopTrack(captured.mic);
        stopTrack(captured.camera);
        return;
      }
      patchLocal({
        micTrack: captured.mic,
        cameraTrack: captured.camera,
        micOn: !!captured.mic,
        cameraOn: !!captured.camera,
        busy: false,
        error: captured.error?.message ?? null,
      });
      if (captured.mic) void session?.setSource('mic', captured.mic, false);
      if (captured.camera) void session?.setSource('camera', captured.camera, false);
    },

    async leave() {
      const { roomId, status, local } = get();
      generation++;
      unsubscribe();
      closeSession();
      releaseLocal(local);
      useChatStore.getState().close();
      set({ ...initialCall, status: 'left', local: { ...initialLocal } });
      if (roomId !== null && (status === 'joined' || status === 'joining')) {
        try {
          await request('leaveRoom', { roomId }, { timeoutMs: 3000 });
        } catch {
          // Gone anyway: the server counts a disconnect as leaving after its grace period.
        }
      }
    },

    async rejoin() {
      const { roomId, inviteToken } = get();
      if (roomId === null) return;
      const gen = generation;
      set({ rejoining: true });
      session?.markResync();
      try {
        const data = await request('joinRoom', inviteToken ? { roomId, inviteToken } : { roomId });
        if (gen !== generation) return;
        set({ room: data.room, participants: data.participants, rejoining: false, error: null });
        void useChatStore.getState().resync();
        const media = joinMediaOf(data);
        if (session) void session.reconnect(media);
      } catch (err) {
        if (gen !== generation) return;
        closeSession();
        releaseLocal(get().local);
        set({ rejoining: false, status: 'error', error: joinError(err), local: { ...initialLocal } });
      }
    },

    async toggleMic() {
      const { local } = get();
      if (local.busy) return;
      if (local.micTrack) {
        const on = !local.micOn;
        local.micTrack.enabled = on;
        patchLocal({ micOn: on });
        void session?.setSource('mic', local.micTrack, !on);
        return;
      }
      const gen = generation;
      patchLocal({ busy: true });
      try {
        const track = await captureMic(local.micDeviceId ?? undefined);
        if (gen !== generation) return stopTrack(track);
        patchLocal({ micTrack: track, micOn: true, busy: false, error: null });
        void session?.setSource('mic', track, false);
      } catch (err) {
        if (gen === generation) patchLocal({ busy: false, error: describeError(err) });
      }
    },

    async toggleCamera() {
      const { local } = get();
      if (local.busy) return;
      if (local.cameraOn) {
        // Release the camera (its light goes off); the producer pauses and keeps its id.
        stopTrack(local.cameraTrack);
        patchLocal({ cameraTrack: null, cameraOn: false });
        void session?.setSource('camera', null, true);
        return;
      }
      const gen = generation;
      patchLocal({ busy: true });
      try {
        const track = await captureCamera(local.cameraDeviceId ?? undefined);
        if (gen !== generation) return stopTrack(track);
        patchLocal({ cameraTrack: track, cameraOn: true, busy: false, error: null });
        void session?.setSource('camera', track, false);
      } catch (err) {
        if (gen === generation) patchLocal({ busy: false, error: describeError(err) });
      }
    },

    async toggleScreenShare() {
      const { local } = get();
      if (local.sharing) {
        stopTrack(local.screenTrack);
        patchLocal({ screenTrack: null, sharing: false });
        void session?.setSource('screen', null, false);
        return;
      }
      const gen = generation;
      try {
        const track = await captureScreen();
        if (gen !== generation) return stopTrack(track);
        // The browser's own "Stop sharing" bar ends the track.
        track.addEventListener('ended', () => {
          if (get().local.screenTrack !== track) return;
          patchLocal({ screenTrack: null, sharing: false });
          void session?.setSource('screen', null, false);
        });
        patchLocal({ screenTrack: track, sharing: true, error: null });
        void session?.setSource('screen', track, false);
      } catch (err) {
        if (gen !== generation) return;
        // Cancelling the picker is a choice, not an error worth a banner.
        if (err instanceof MediaAccessError && err.kind === 'denied') return;
        patchLocal({ error: describeError(err) });
      }
    },

    async selectDevice(kind, deviceId) {
      const { local } = get();
      const gen = generation;
      if (kind === 'speaker') {
        patchLocal({ speakerDeviceId: deviceId });
        return;
      }
      if (kind === 'mic') {
        patchLocal({ micDeviceId: deviceId });
        if (!local.micTrack) return;
        try {
          const track = await captureMic(deviceId);
          if (gen !== generation) return stopTrack(track);
          track.enabled = get().local.micOn;
          stopTrack(get().local.micTrack);
          patchLocal({ micTrack: track, error: null });
          void session?.setSource('mic', track, !get().local.micOn);
        } catch (err) {
          if (gen === generation) patchLocal({ error: describeError(err) });
        }
        return;
      }
      patchLocal({ cameraDeviceId: deviceId });
      if (!local.cameraOn) return;
      try {
        const track = await captureCamera(deviceId);
        if (gen !== generation) return stopTrack(track);
        stopTrack(get().local.cameraTrack);
        patchLocal({ cameraTrack: track, error: null });
        void session?.setSource('camera', track, false);
      } catch (err) {
        if (gen === generation) patchLocal({ error: describeError(err) });
      }
    },

    dismissMediaError() {
      patchLocal({ error: null });
    },

    dismissNotice() {
      set({ notice: null });
    },

    setSidePanel(panel) {
      set({ sidePanel: panel });
    },

    setParticipants(participants) {
      const present = new Set(participants.map((p) => p.userId));
      const remote = Object.fromEntries(Object.entries(get().remote).filter(([, t]) => present.has(t.userId)));
      const { network } = get();
      const downlink = Object.fromEntries(Object.entries(network.downlink).filter(([key]) => key in remote));
      set({ participants, remote, network: { ...network, downlink } });
    },
    upsertRemoteTrack(track) {
      set({ remote: { ...get().remote, [track.key]: track } });
    },
    setRemotePaused(key, paused) {
      const t = get().remote[key];
      if (t && t.paused !== paused) set({ remote: { ...get().remote, [key]: { ...t, paused } } });
    },
    removeRemoteTrack(key) {
      if (!(key in get().remote)) return;
      const { [key]: _gone, ...rest } = get().remote;
      const { network } = get();
      const { [key]: _score, ...downlink } = network.downlink;
      set({ remote: rest, network: { ...network, downlink } });
    },
    setActiveSpeaker(userId) {
      if (get().activeSpeakerId !== userId) set({ activeSpeakerId: userId });
    },
    setMediaStatus(status, error) {
      if (get().mediaStatus !== status) set({ mediaStatus: status });
      if (error) patchLocal({ error });
    },
    setTransportState(direction, state) {
      set({ network: withTransportState(get().network, direction, state) });
    },
    setUplinkScore(source, score) {
      const { network } = get();
      const { [source]: prev, ...others } = network.uplink;
      if (score === null && !prev) return;
      const uplink = score === null ? others : { ...others, [source]: markScore(prev, score, Date.now()) };
      set({ network: { ...network, uplink } });
    },
    setDownlinkScore(key, score) {
      const { network } = get();
      const { [key]: prev, ...others } = network.downlink;
      if (score === null) {
        if (prev) set({ network: { ...network, downlink: others } });
        return;
      }
      const now = Date.now();
      const entry = { score: markScore(prev?.score, score.score, now), producerScore: markScore(prev?.producerScore, score.producerScore, now) };
      set({ network: { ...network, downlink: { ...others, [key]: entry } } });
    },
    reportTileViewport(tileKey, viewport) {
      const cur = get().tileViewports;
      if (!viewport) {
        if (!(tileKey in cur)) return;
        const { [tileKey]: _gone, ...rest } = cur;
        set({ tileViewports: rest });
        void session?.setViewports(rest);
        return;
      }
      const prev = cur[tileKey];
      if (prev && prev.visible === viewport.visible && Math.abs(prev.width - viewport.width) < 16) return;
      const next = { ...cur, [tileKey]: viewport };
      set({ tileViewports: next });
      void session?.setViewports(next);
    },
  };
});

/** What one grid tile shows. */
export interface TileModel {
  key: string;
  userId: number;
  username: string;
  isLocal: boolean;
  source: 'camera' | 'screen';
  videoTrack: MediaStreamTrack | null;
  micOff: boolean;
  cameraOff: boolean;
  speaking: boolean;
}

/**
 * Tiles in display order: screen shares first, then yourself, then everyone else in the order
 * they joined. Pure, so components and tests share it.
 */
export function buildTiles(s: Pick<CallState, 'self' | 'participants' | 'remote' | 'local' | 'activeSpeakerId'>): TileModel[] {
  const tracks = Object.values(s.remote);
  const byUser = (userId: number, source: MediaSource) => tracks.find((t) => t.userId === userId && t.source === source);
  const screens: TileModel[] = [];
  const people: TileModel[] = [];

  if (s.self) {
    if (s.local.sharing) {
      screens.push({
        key: 'local:screen',
        userId: s.self.id,
        username: s.self.username,
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
      isLocal: true,
      source: 'camera',
      videoTrack: s.local.cameraOn ? s.local.cameraTrack : null,
      micOff: !s.local.micOn,
      cameraOff: !s.local.cameraOn,
      speaking: s.activeSpeakerId === s.self.id,
    });
  }

  for (const p of s.participants) {
    if (p.userId === s.self?.id) continue;
    const mic = byUser(p.userId, 'mic');
    const cam = byUser(p.userId, 'camera');
    const screen = byUser(p.userId, 'screen');
    if (screen && !screen.paused) {
      screens.push({
        key: `screen:${p.userId}`,
        userId: p.userId,
        username: p.username,
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
