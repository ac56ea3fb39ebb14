import type { EmbedEventMap, EmbedEventName, Participant } from '@minimeet/shared';
import { FakeTrack } from '@minimeet/media-session/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { useCallStore } from '../call/callStore';
import { initialLocal } from '../call/localMediaSlice';
import { isAppJoinToken } from './embedAuth';
import { EmbedCommandError } from './embedBridge';
import { embedState, runEmbedCommand, watchCallForEmbed } from './embedCall';

const me = { id: 1, username: 'ada', role: 'user' as const };
const people: Participant[] = [
  { userId: 1, username: 'ada', role: 'speaker' },
  { userId: 2, username: 'bob', role: 'speaker' },
];
const initial = useCallStore.getState();
const noLeave = async () => {};

/** Puts the store in a joined call with a live microphone (no SFU session: the toggles act on the UI state). */
function joinedWithMic() {
  const mic = new FakeTrack('audio') as unknown as MediaStreamTrack;
  useCallStore.setState({ status: 'joined', roomId: 7, self: me, participants: people, local: { ...initialLocal, micTrack: mic, micOn: true } });
}

afterEach(() => useCallStore.setState(initial, true));

describe('embed commands', () => {
  it('refuse media commands outside a call', async () => {
    for (const command of ['muteMic', 'unmuteMic', 'muteCamera', 'toggleChat', 'leave'] as const) {
      await expect(runEmbedCommand(useCallStore, 7, command, noLeave)).rejects.toMatchObject({ code: 'EMBED_NOT_IN_CALL' });
    }
    expect(await runEmbedCommand(useCallStore, 7, 'getState', noLeave)).toMatchObject({ status: 'joining', roomId: 7 });
  });

  it('mute and unmute the microphone, and answer with the state after', async () => {
    joinedWithMic();
    expect(await runEmbedCommand(useCallStore, 7, 'muteMic', noLeave)).toMatchObject({ status: 'joined', micOn: false, participantCount: 2 });
    expect(useCallStore.getState().local.micTrack?.enabled).toBe(false);
    // Already muted: nothing to do, still ok.
    expect(await runEmbedCommand(useCallStore, 7, 'muteMic', noLeave)).toMatchObject({ micOn: false });
    expect(await runEmbedCommand(useCallStore, 7, 'unmuteMic', noLeave)).toMatchObject({ micOn: true });
  });

  it('wait for the capture the join started before carrying out a command', async () => {
    joinedWithMic();
    useCallStore.setState({ local: { ...useCallStore.getState().local, busy: true } });
    const muted = runEmbedCommand(useCallStore, 7, 'muteMic', noLeave);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(useCallStore.getState().local.micOn).toBe(true);
    useCallStore.setState({ local: { ...useCallStore.getState().local, busy: false } });
    expect(await muted).toMatchObject({ micOn: false });
  });

  it('refuse to unmute a webinar attendee', async () => {
    joinedWithMic();
    useCallStore.setState({ role: 'attendee', local: { ...initialLocal } });
    await expect(runEmbedCommand(useCallStore, 7, 'unmuteCamera', noLeave)).rejects.toEqual(
      new EmbedCommandError('NOT_ON_STAGE', 'In the audience of a webinar: a host must bring you on stage first.'),
    );
  });

  it('toggle the chat panel and leave through the page', async () => {
    joinedWithMic();
    useCallStore.setState({ sidePanel: null });
    expect(await runEmbedCommand(useCallStore, 7, 'toggleChat', noLeave)).toMatchObject({ chatOpen: true });
    expect(await runEmbedCommand(useCallStore, 7, 'toggleChat', noLeave)).toMatchObject({ chatOpen: false });
    let left = false;
    await runEmbedCommand(useCallStore, 7, 'leave', async () => {
      left = true;
      useCallStore.setState({ status: 'left' });
    });
    expect(left).toBe(true);
    expect(embedState(useCallStore.getState(), 7).status).toBe('left');
  });
});

describe('embed events', () => {
  function record() {
    const events: Array<{ event: EmbedEventName; data: unknown }> = [];
    const stop = watchCallForEmbed(useCallStore, 7, <K extends EmbedEventName>(event: K, data: EmbedEventMap[K]) => void events.push({ event, data }));
    return { events, stop };
  }

  it('tell joined, participants, speaker, mic and camera changes, and left', () => {
    const { events, stop } = record();
    useCallStore.setState({ status: 'joining', roomId: 7, self: me });
    useCallStore.setState({ status: 'joined', participants: people });
    useCallStore.setState({ activeSpeakerId: 2 });
    useCallStore.setState({ local: { ...useCallStore.getState().local, micOn: true, cameraOn: true } });
    useCallStore.setState({ participants: people.slice(0, 1) });
    useCallStore.setState({ status: 'left', participants: [] });
    stop();
    useCallStore.setState({ activeSpeakerId: 1 });
    expect(events).toEqual([
      { event: 'joined', data: { roomId: 7, self: { userId: 1, username: 'ada' } } },
      { event: 'participantsChanged', data: { count: 2, participants: people } },
      { event: 'activeSpeaker', data: { userId: 2 } },
      { event: 'micChanged', data: { on: true } },
      { event: 'cameraChanged', data: { on: true } },
      { event: 'participantsChanged', data: { count: 1, participants: people.slice(0, 1) } },
      { event: 'left', data: { roomId: 7, reason: 'left' } },
    ]);
  });

  it('tell a failed join as an error and left, and a media problem as an error', () => {
    const { events, stop } = record();
    useCallStore.setState({ status: 'joining', roomId: 7, self: me });
    useCallStore.setState({ local: { ...useCallStore.getState().local, error: 'Camera access is blocked.' } });
    useCallStore.setState({ status: 'error', error: { code: 'ROOM_FULL', message: 'This room is full.' } });
    stop();
    expect(events).toEqual([
      { event: 'error', data: { code: 'EMBED_MEDIA', message: 'Camera access is blocked.' } },
      { event: 'error', data: { code: 'ROOM_FULL', message: 'This room is full.' } },
      { event: 'left', data: { roomId: 7, reason: 'error' } },
    ]);
  });
});

describe('embed token', () => {
  const b64 = (v: unknown) => btoa(JSON.stringify(v)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  it('tells an app-minted join token (kid in the header) from a MiniMeet access token', () => {
    expect(isAppJoinToken(`${b64({ alg: 'HS256', typ: 'JWT', kid: 'mk_0123456789abcdef' })}.${b64({ room: 7 })}.sig`)).toBe(true);
    expect(isAppJoinToken(`${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: '1' })}.sig`)).toBe(false);
    expect(isAppJoinToken('garbage')).toBe(false);
    expect(isAppJoinToken('')).toBe(false);
  });
});
