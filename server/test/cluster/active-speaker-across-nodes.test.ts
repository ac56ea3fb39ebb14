/**
 * Issue 19: the active speaker reaches every socket of the room (the speaker view's big tile
 * follows it), on both nodes of a cluster (one Redis, one MariaDB): sockets holding media, sockets
 * that joined and never made a transport, sockets refused media (MAX_SOCKETS_PER_USER_ROOM), and
 * sockets that join after the speaker was named (the join answer says who it is: the observer
 * only reports changes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import type { JoinRoomData } from '@minimeet/shared';
import {
  closeAllSockets,
  connect,
  createRoom,
  okData,
  record,
  registerUser,
  request,
  uniqueName,
  waitFor,
  type ClientSocket,
} from '../helpers/chat-client.js';
import { startCluster, type Cluster, type ClusterNode } from '../helpers/cluster-nodes.js';

const LOUD_DBOV = -20;

let cluster: Cluster;
let nodeA: ClusterNode;
let nodeB: ClusterNode;

beforeAll(async () => {
  cluster = await startCluster({
    ids: ['snodea', 'snodeb'],
    basePort: 48000,
    rtcBase: 48200,
    pipeBase: 48400,
    portsPerNode: 50,
    subnets: { min: 181, max: 200 },
    env: { PRESENCE_GRACE_MS: '1000', MAX_SOCKETS_PER_USER_ROOM: '1' },
  });
  [nodeA, nodeB] = cluster.nodes as [ClusterNode, ClusterNode];
}, 180_000);

afterAll(async () => {
  closeAllSockets();
  await cluster?.stop();
}, 60_000);

describe('activeSpeaker reaches every socket of the room on every node', () => {
  it('with media or without, refused media, and joined after the speaker was named', async () => {
    const owner = await registerUser(nodeA.url, 'sown');
    const room = await createRoom(nodeA.url, owner.accessToken, 'speaker two nodes', 12);
    const join = async (node: ClusterNode, token: string) => {
      const socket = await connect(node.url, token);
      const speakers = record(socket, 'activeSpeaker');
      const data: JoinRoomData = okData(await request(socket, 'joinRoom', { roomId: room.id }));
      return { socket, speakers, data };
    };
    /** The speaker this socket knows now: the last event, else its join answer's. */
    const knownSpeaker = (s: { speakers: Array<{ userId: number | null }>; data: JoinRoomData }) =>
      s.speakers.length ? s.speakers.at(-1)!.userId : (s.data.activeSpeakerUserId ?? null);

    // Before anyone speaks, on both nodes: a socket that joins and makes no transport, and a
    // second socket of the same user, refused media (no producers listed to it, no media channel).
    const early: Array<Awaited<ReturnType<typeof join>>> = [];
    for (const node of [nodeA, nodeB]) {
      const user = await registerUser(node.url, 'slisten');
      const plain = await join(node, user.accessToken);
      const refused = await join(node, user.accessToken);
      const transport = await request(refused.socket, 'createWebRtcTransport', { roomId: room.id, direction: 'recv' });
      expect(transport.ok ? 'created' : transport.error.code).toBe('LIMIT_EXCEEDED');
      early.push(plain, refused);
    }

    // A peer with media on node B speaks up.
    const talker = new MiniMeetPeer({
      url: nodeB.url,
      roomId: room.id,
      username: uniqueName('stalk'),
      password: 'correct horse battery',
      consume: false,
      reconnection: false,
    });
    // A listener with media on node A, so node A's room has media of its own too.
    const listener = new MiniMeetPeer({
      url: nodeA.url,
      roomId: room.id,
      username: uniqueName('slist'),
      password: 'correct horse battery',
      audio: false,
      video: false,
      reconnection: false,
    });
    try {
      await talker.start();
      await listener.start();
      const withMedia = record(listener.socket as unknown as ClientSocket, 'activeSpeaker');
      talker.player.audioLevelDbov = LOUD_DBOV;
      const talkerId = talker.user!.id;
      await waitFor(
        () => early.every((s) => knownSpeaker(s) === talkerId) && withMedia.at(-1)?.userId === talkerId,
        20_000,
        'activeSpeaker on every early socket of both nodes',
      );

      // Joined after the speaker was named, on either node: told at once by the join answer.
      for (const node of [nodeA, nodeB]) {
        const late = await join(node, (await registerUser(node.url, 'slate')).accessToken);
        expect(late.data.activeSpeakerUserId, `late joiner on ${node.id}`).toBe(talkerId);
      }
    } finally {
      await listener.close();
      await talker.close();
    }
  }, 120_000);
});
