/**
 * What a drained node leaves behind when not every client has moved by the end of its grace
 * period (issue 18 item 2): two nodes on one Redis (test hosts, or loopback — the harness says
 * so), plain sockets, no media. A user still on node B when B exits, who comes back on node A
 * within PRESENCE_GRACE_MS, is never shown as gone; a user who never comes back is removed by A's
 * sweep of the stopped node after PRESENCE_GRACE_MS, so nothing stays present for good.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllSockets,
  connect,
  createRoom,
  okData,
  followRoom,
  registerUser,
  request,
  waitFor,
} from '../helpers/chat-client.js';
import { startCluster, type Cluster, type ClusterNode } from '../helpers/cluster-nodes.js';

const NODE_TTL_MS = 3000;
const GRACE_MS = 3000;
const PRESENCE_GRACE_MS = 8000;

let cluster: Cluster;
let nodeA: ClusterNode;
let nodeB: ClusterNode;

beforeAll(async () => {
  cluster = await startCluster({
    ids: ['hoa', 'hob'],
    basePort: 42500,
    rtcBase: 42600,
    pipeBase: 42800,
    portsPerNode: 50,
    subnets: { min: 40, max: 59 },
    env: {
      CLUSTER_NODE_TTL_MS: String(NODE_TTL_MS),
      PRESENCE_GRACE_MS: String(PRESENCE_GRACE_MS),
      SHUTDOWN_GRACE_MS: String(GRACE_MS),
    },
  });
  [nodeA, nodeB] = cluster.nodes as [ClusterNode, ClusterNode];
}, 120_000);

afterAll(async () => {
  closeAllSockets();
  await cluster?.stop();
}, 60_000);

const usernames = new Map<number, string>();

describe('a drained node hands its presence to the other node', () => {
  it('a user still on it at exit who comes back elsewhere never leaves; one who does not is removed after the grace', async () => {
    console.info(`cluster mode: ${cluster.mode}${cluster.fallbackReason ? ` (${cluster.fallbackReason})` : ''}`);
    const owner = await registerUser(nodeA.url, 'hoowner');
    const roomId = (await createRoom(nodeA.url, owner.accessToken, 'handoff')).id;
    const observer = await connect(nodeA.url, owner.accessToken);
    const followed = await followRoom(observer, { roomId });
    const names = () => followed.ids().map((id) => usernames.get(id) ?? `#${id}`).sort();

    const late = await registerUser(nodeB.url, 'holate');
    const gone = await registerUser(nodeB.url, 'hogone');
    // Clients that ignore serverDraining: still on B when its grace period ends.
    for (const user of [late, gone]) okData(await request(await connect(nodeB.url, user.accessToken), 'joinRoom', { roomId }));
    for (const u of [owner, late, gone]) usernames.set(u.user.id, u.user.username);
    const everyone = [owner, late, gone].map((u) => u.user.username).sort();
    await waitFor(() => names().join() === everyone.join(), 10_000, 'all three present');
    const seenBefore = followed.deltas.length;

    const exit = await nodeB.terminate(GRACE_MS + 15_000);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeGreaterThanOrEqual(GRACE_MS - 200);
    expect(nodeB.server.output()).toContain('drain grace period over');

    // `late` comes back on A, within the presence grace period of its socket on B.
    const back = await connect(nodeA.url, late.accessToken);
    const rejoined = okData(await request(back, 'joinRoom', { roomId }));
    expect(rejoined.participants.map((p) => p.username).sort()).toEqual(everyone);

    // `gone` is removed once A has swept the stopped node and the grace period has run out.
    await waitFor(
      () => !names().includes(gone.user.username),
      NODE_TTL_MS + PRESENCE_GRACE_MS + 10_000,
      'the user who never came back to be removed',
    );
    const after = followed.deltas.slice(seenBefore);
    for (const d of after) expect(d.left, 'late shown as gone').not.toContain(late.user.id);
    expect(names()).toEqual([owner, late].map((u) => u.user.username).sort());
  }, 90_000);
});
