/**
 * The call behind the embed API: commands carried out on the call store, and the store's changes
 * told as events. Knows nothing of origins (embedBridge.ts does).
 */
import type { EmbedCallStatus, EmbedCommandName, EmbedEventMap, EmbedEventName, EmbedState } from '@minimeet/shared';
import type { CallState } from '../call/callState';
import type { CallStatus } from '../call/lifecycleSlice';
import { EmbedCommandError } from './embedBridge';

/** The part of the call store these functions use (the real one or a test's). */
export interface CallStoreApi {
  getState(): CallState;
  subscribe(listener: (state: CallState, previous: CallState) => void): () => void;
}

type Emit = <K extends EmbedEventName>(event: K, data: EmbedEventMap[K]) => void;

const EMBED_STATUS: Record<CallStatus, EmbedCallStatus> = {
  idle: 'joining',
  joining: 'joining',
  waiting: 'waiting',
  joined: 'joined',
  left: 'left',
  ended: 'ended',
  error: 'error',
};

export function embedState(s: CallState, roomId: number): EmbedState {
  return {
    status: EMBED_STATUS[s.status],
    roomId,
    micOn: s.local.micOn,
    cameraOn: s.local.cameraOn,
    chatOpen: s.sidePanel === 'chat',
    participantCount: s.participants.length,
  };
}

function requireJoined(s: CallState): void {
  if (s.status !== 'joined') throw new EmbedCommandError('EMBED_NOT_IN_CALL', 'Not in the call.');
}

/** How long a command waits for the camera or microphone the call is starting (the join's own capture). */
const MEDIA_SETTLE_TIMEOUT_MS = 15_000;

/** Resolves once no capture is under way; a parent's command right after `joined` waits for the join's capture. */
function mediaSettled(store: CallStoreApi): Promise<void> {
  if (!store.getState().local.busy) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new EmbedCommandError('EMBED_BUSY', 'The camera or microphone is still starting; try again.'));
    }, MEDIA_SETTLE_TIMEOUT_MS);
    const stop = store.subscribe((state) => {
      if (state.local.busy) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}

/** Turns mic or camera to `on` with the call page's own toggles; refuses what the user could not do either. */
async function setSource(store: CallStoreApi, source: 'mic' | 'camera', on: boolean): Promise<void> {
  await mediaSettled(store);
  const s = store.getState();
  requireJoined(s);
  const isOn = source === 'mic' ? s.local.micOn : s.local.cameraOn;
  if (isOn === on) return;
  if (on && s.role === 'attendee') {
    throw new EmbedCommandError('NOT_ON_STAGE', 'In the audience of a webinar: a host must bring you on stage first.');
  }
  await (source === 'mic' ? s.toggleMic() : s.toggleCamera());
  const after = store.getState();
  if ((source === 'mic' ? after.local.micOn : after.local.cameraOn) !== on) {
    throw new EmbedCommandError('EMBED_MEDIA', after.local.error ?? `The ${source === 'mic' ? 'microphone' : 'camera'} could not be turned ${on ? 'on' : 'off'}.`);
  }
}

/** Carries out one command; `leave` is the page's own leave (it shows "you left"). */
export async function runEmbedCommand(
  store: CallStoreApi,
  roomId: number,
  command: EmbedCommandName,
  leave: () => Promise<void>,
): Promise<EmbedState> {
  switch (command) {
    case 'muteMic':
      await setSource(store, 'mic', false);
      break;
    case 'unmuteMic':
      await setSource(store, 'mic', true);
      break;
    case 'muteCamera':
      await setSource(store, 'camera', false);
      break;
    case 'unmuteCamera':
      await setSource(store, 'camera', true);
      break;
    case 'toggleChat': {
      const s = store.getState();
      requireJoined(s);
      s.setSidePanel(s.sidePanel === 'chat' ? null : 'chat');
      break;
    }
    case 'leave': {
      const status = store.getState().status;
      if (status !== 'joined' && status !== 'joining') throw new EmbedCommandError('EMBED_NOT_IN_CALL', 'Not in the call.');
      await leave();
      break;
    }
    case 'getState':
      break;
  }
  return embedState(store.getState(), roomId);
}

/** Tells the parent what changes in the call; returns the unsubscribe. */
export function watchCallForEmbed(store: CallStoreApi, roomId: number, emit: Emit): () => void {
  return store.subscribe((s, prev) => {
    if (s.status !== prev.status) {
      if (s.status === 'joined' && s.self) emit('joined', { roomId, self: { userId: s.self.id, username: s.self.username } });
      if (s.status === 'error' && s.error) emit('error', { code: s.error.code, message: s.error.message });
      if (s.status === 'left' || s.status === 'ended' || s.status === 'error') {
        if (prev.status === 'joined' || prev.status === 'joining') emit('left', { roomId, reason: s.status === 'left' ? 'left' : s.status });
      }
    }
    if (s.status === 'joined' && (s.participants !== prev.participants || prev.status !== 'joined')) {
      emit('participantsChanged', { count: s.participants.length, participants: s.participants });
    }
    if (s.activeSpeakerId !== prev.activeSpeakerId) emit('activeSpeaker', { userId: s.activeSpeakerId });
    if (s.local.micOn !== prev.local.micOn) emit('micChanged', { on: s.local.micOn });
    if (s.local.cameraOn !== prev.local.cameraOn) emit('cameraChanged', { on: s.local.cameraOn });
    if (s.local.error && s.local.error !== prev.local.error) emit('error', { code: 'EMBED_MEDIA', message: s.local.error });
  });
}
