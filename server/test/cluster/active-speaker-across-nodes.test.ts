/**
 * Issue 19: the active speaker reaches every socket of the room (the speaker view's big tile
 * follows it), on both nodes of a cluster (one Redis, one MariaDB): sockets holding media, sockets
 * that joined and never made a transport, sockets refused media (MAX_SOCKETS_PER_USER_ROOM), and
 * sockets that join after the speaker was named (the join answer says who it is: the observer
 * only reports changes).
 */
import { describe, expect, it } from 'vitest';
import { MiniMeetPeer } from '@minimeet/webrtc-peer';
import type { JoinRoomData } from '@minimeet/shared';
import {
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
import { useTwoNodeCluster, type ClusterNode } from '../helpers/cluster-nodes.js';

const LOUD_DBOV = -20;

let nodeA: ClusterNode;
let nodeB: ClusterNode;

useTwoNodeCluster(
  {
    ids: ['snodea', 'snodeb'],
    basePort: 48000,
    rtcBase: 48200,
    pipeBase: 48400,
    portsPerNode: 50,
    subnets: { min: 141, max: 160 },
    env: { PRESENCE_GRACE_MS: '1000', MAX_SOCKETS_PER_USER_ROOM: '1' },
  },
  (nodes) => ([nodeA, nodeB] = nodes),
);

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

    const peer = (node: ClusterNode, prefix: string, sends: boolean) =>
      new MiniMeetPeer({
        url: node.url,
        roomId: room.id,
        username: uniqueName(prefix),
        password: 'correct horse battery',
        ...(sends ? { consume: false } : { audio: false, video: false }),
        reconnection: false,
      });
    // A talker with media on each node; a listener with media on node A.
    const talkerA = peer(nodeA, 'stalka', true);
    const talkerB = peer(nodeB, 'stalkb', true);
    const listener = peer(nodeA, 'slist', false);
    try {
      for (const p of [talkerA, talkerB, listener]) await p.start();
      // Speech, not a steady tone (which the observer takes for the noise floor).
      for (const t of [talkerA, talkerB]) t.player.speechLike = true;
      const withMedia = record(listener.socket as unknown as ClientSocket, 'activeSpeaker');

      // On both nodes: a socket that joins and makes no transport, and a second socket of the
      // same user, refused media (not in the room's media channel).
      const sockets: Array<Awaited<ReturnType<typeof join>>> = [];
      for (const node of [nodeA, nodeB]) {
        const user = await registerUser(node.url, 'slisten');
        const plain = await join(node, user.accessToken);
        const refused = await join(node, user.accessToken);
        const transport = await request(refused.socket, 'createWebRtcTransport', {
          roomId: room.id,
          direction: 'recv',
        });
        expect(transport.ok ? 'created' : transport.error.code).toBe('LIMIT_EXCEEDED');
        sockets.push(plain, refused);
      }
      const everyoneKnows = async (userId: number, what: string) =>
        waitFor(
          () => sockets.every((s) => knownSpeaker(s) === userId) && withMedia.at(-1)?.userId === userId,
          20_000,
          what,
        ).catch((err: unknown) => {
          throw new Error(
            `${String(err)}: speaker ${userId}; sockets know ${JSON.stringify(sockets.map(knownSpeaker))}; with media ${JSON.stringify(withMedia)}`,
          );
        });

      // The talker on B speaks up: every socket of both nodes is told; then the one on A.
      talkerB.player.audioLevelDbov = LOUD_DBOV;
      await everyoneKnows(talkerB.user!.id, 'speaker on node B known everywhere');
      talkerB.player.audioLevelDbov = -127;
      talkerA.player.audioLevelDbov = LOUD_DBOV;
      await everyoneKnows(talkerA.user!.id, 'speaker on node A known everywhere');

      // Joined after the speaker was named, on either node: told at once by the join answer.
      for (const node of [nodeA, nodeB]) {
        const late = await join(node, (await registerUser(node.url, 'slate')).accessToken);
        expect(late.data.activeSpeakerUserId, `late joiner on ${node.id}`).toBe(talkerA.user!.id);
      }
    } finally {
      for (const p of [listener, talkerA, talkerB]) await p.close();
    }
  }, 120_000);
});
