/**
 * Issue 21 item 2 across nodes: a room with a peer on node A and a peer on node B (one Redis, one
 * MariaDB, one storage directory). A moderator on B starts the recording: the peer on A sees it
 * (recordingState through the adapter) and so does a later joiner on A; B records both peers (A's
 * producers piped to B); a stop from A reaches B, which processes the recording; it is ready with
 * every track and downloadable from either node. A node killed mid-recording: the other node tells
 * the room it stopped and marks it failed; started again, the node finishes it from its files.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import { connect, createRoom, http, joinedSocket, okData, record, registerUser, request, sleep, waitFor } from '../helpers/chat-client.js';
import { useTwoNodeCluster, type ClusterNode } from '../helpers/cluster-nodes.js';
import type { RecordingDto } from '@minimeet/shared';
import { downloadRecording, probeBytes, waitForRecording } from '../helpers/recording-client.js';

let nodeA: ClusterNode;
let nodeB: ClusterNode;
const peers: MiniMeetPeer[] = [];
const storageDir = path.join(tmpdir(), `minimeet-rec-cluster-${process.pid}-${Date.now()}`);

useTwoNodeCluster(
  {
    ids: ['rnodea', 'rnodeb'],
    basePort: 51300,
    rtcBase: 51400,
    pipeBase: 51500,
    portsPerNode: 40,
    subnets: { min: 241, max: 250 },
    env: { PRESENCE_GRACE_MS: '1000', STORAGE_URL: `file:${storageDir}`, DATA_DIR: path.join(storageDir, 'data') },
  },
  (nodes) => ([nodeA, nodeB] = nodes),
  async () => {
    for (const p of peers) await p.close();
    await rm(storageDir, { recursive: true, force: true });
  },
);

function peerOn(node: ClusterNode, roomId: number, login: { token: string } | { name: string }): MiniMeetPeer {
  const who =
    'token' in login
      ? { token: login.token }
      : { username: `${login.name}_${process.pid % 10000}_${Math.random().toString(36).slice(2, 6)}`, password: 'correct horse battery' };
  const p = new MiniMeetPeer({ url: node.url, roomId, reconnection: false, consume: false, ...who });
  peers.push(p);
  return p;
}

describe('recording across two nodes', () => {
  it('a room spanning two nodes is recorded whole by the node that started it', async () => {
    const owner = await registerUser(nodeA.url, 'rown');
    const room = await createRoom(nodeA.url, owner.accessToken, 'recorded on two nodes');
    const onA = peerOn(nodeA, room.id, { name: 'ronA' });
    await onA.start();
    const watcherOnA = await joinedSocket(nodeA.url, await registerUser(nodeA.url, 'rwatch'), room.id);
    const seenOnA = record(watcherOnA, 'recordingState');
    const host = peerOn(nodeB, room.id, { token: owner.accessToken });
    await host.start();

    const started = await host.request('startRecording', { roomId: room.id });
    expect(started.recording).toBe(true);
    const recordingId = started.recordingId!;
    await waitFor(() => seenOnA.some((s) => s.recording), 5000, 'the peer on A told');
    const lateJoin = okData(await request(await connect(nodeA.url, owner.accessToken), 'joinRoom', { roomId: room.id }));
    expect(lateJoin.recording).toMatchObject({ recording: true, recordingId });
    const onARoom = await http<{ recording: boolean }>(nodeA.url, 'GET', `/rooms/${room.id}`, { token: owner.accessToken });
    expect(onARoom.body.recording).toBe(true);

    await sleep(5000);
    // The stop comes from A; B finishes the recording.
    const stopper = await connect(nodeA.url, owner.accessToken);
    okData(await request(stopper, 'joinRoom', { roomId: room.id }));
    const stopped = okData(await request(stopper, 'stopRecording', { roomId: room.id }));
    expect(stopped).toMatchObject({ recording: false, recordingId });
    await waitFor(() => seenOnA.some((s) => !s.recording), 5000, 'the peer on A told of the stop');

    const ready = await waitForRecording(nodeA.url, owner.accessToken, recordingId, 'ready', 90_000);
    const kinds = (userId: number) => ready.tracks.filter((t) => t.userId === userId).map((t) => t.kind).sort();
    expect(kinds(onA.user.id)).toEqual(['audio', 'video']);
    expect(kinds(owner.user.id)).toEqual(['audio', 'video']);
    for (const t of ready.tracks) expect(t.durationMs).toBeGreaterThan(2000);

    for (const node of [nodeA, nodeB]) {
      const file = await downloadRecording(node.url, owner.accessToken, recordingId);
      expect(file.status).toBe(200);
      const probed = await probeBytes(path.join(storageDir, `composite-${node.id}.webm`), file.bytes);
      expect(probed.streams.map((s) => s.codec_type).sort()).toEqual(['audio', 'video']);
    }
  }, 180_000);

  it('a node killed mid-recording leaves a usable recording: failed for the room at once, finished when the node is back', async () => {
    const owner = await registerUser(nodeA.url, 'rkill');
    const room = await createRoom(nodeA.url, owner.accessToken, 'recorder dies');
    const watcherOnA = await joinedSocket(nodeA.url, await registerUser(nodeA.url, 'rkwatch'), room.id);
    const seenOnA = record(watcherOnA, 'recordingState');
    const host = peerOn(nodeB, room.id, { token: owner.accessToken });
    await host.start();
    const { recordingId } = await host.request('startRecording', { roomId: room.id });
    await waitFor(() => seenOnA.some((s) => s.recording), 5000, 'the watcher on A told');
    await sleep(4000);

    await nodeB.kill();
    await waitFor(() => seenOnA.some((s) => !s.recording && s.recordingId === recordingId), 60_000, 'A telling the room the recording stopped');
    const failed = await http<RecordingDto>(nodeA.url, 'GET', `/recordings/${recordingId}`, { token: owner.accessToken });
    expect(failed.body.state).toBe('failed');
    expect(failed.body.error).toMatch(/went down/);

    await nodeB.restart();
    const ready = await waitForRecording(nodeA.url, owner.accessToken, recordingId!, 'ready', 120_000, true);
    expect(ready.error).toBeNull();
    const camera = ready.tracks.find((t) => t.userId === owner.user.id && t.kind === 'video');
    expect(camera!.durationMs).toBeGreaterThan(2000);
    expect(ready.durationMs).toBeGreaterThan(3000);
    const file = await downloadRecording(nodeA.url, owner.accessToken, recordingId!);
    expect(file.status).toBe(200);
  }, 240_000);
});
