/**
 * The servers one large-room measurement runs on, fresh each time: MiniMeet on one node (SQLite,
 * one worker), MiniMeet on two nodes (one worker each, sharing Redis and a scratch MariaDB
 * database, as the cluster phase runs them), or the baseline server in its old-design mode.
 */
import { randomBytes } from 'node:crypto';
import { freePort, randomRtcPortRange } from '@minimeet/test-harness';
import { createScratchDatabase, MARIADB_HOST } from '../mariadb.js';
import type { Pinning } from '../pinning.js';
import { BENCH_REDIS, BENCH_REDIS_URL, deleteRedisKeys, redisAnswers } from '../redis.js';
import { startServer, type BenchServer, type StartServerOptions } from '../servers.js';
import type { Design, LargeRoomPlan, Topology } from './large-room-plan.js';

/** Pipe ports of the two nodes (apart from the cluster phase's 45700–45799). */
const PIPE_PORTS = [
  [46100, 46149],
  [46150, 46199],
] as const;

export interface RoomServers {
  /** Node A first (senders, bystander); receivers alternate over all of them. */
  nodes: BenchServer[];
  stop(): Promise<string | null>;
}

/** Thrown when a setup cannot run here (no Redis, no MariaDB): the size is skipped, not failed. */
export class SetupUnavailable extends Error {}

export async function startRoomServers(
  design: Design,
  topology: Topology,
  receivers: number,
  plan: LargeRoomPlan,
  pinning: Pinning,
): Promise<RoomServers> {
  const base = {
    cpus: pinning.serverCpus,
    workers: 1,
    statsIntervalMs: 1000,
  };
  if (design === 'oldDesign') {
    const server = await startServer({ ...base, kind: 'baseline', env: { BASELINE_ROSTER: 'full-list' } });
    return { nodes: [server], stop: async () => (await server.stop(), null) };
  }
  const env: Record<string, string> = {
    // Senders + receivers + the bystander, whatever the size.
    ROOM_MAX_PARTICIPANTS_LIMIT: String(Math.max(200, plan.senders + receivers + 10)),
    AUDIO_LOUDEST_K: String(plan.loudestK),
    REDIS_URL: '',
  };
  if (topology === 'oneNode') {
    const server = await startServer({ ...base, kind: 'minimeet', env });
    return { nodes: [server], stop: async () => (await server.stop(), null) };
  }
  if (!(await redisAnswers()))
    throw new SetupUnavailable(`Redis at ${BENCH_REDIS.host}:${BENCH_REDIS.port} does not answer PING`);
  let db;
  try {
    db = await createScratchDatabase();
  } catch (err) {
    throw new SetupUnavailable(
      `MariaDB at ${MARIADB_HOST} not usable (${err instanceof Error ? err.message : String(err)})`,
    );
  }
  const prefix = `mmlarge-${randomBytes(4).toString('hex')}`;
  const shared = {
    ...env,
    REDIS_URL: BENCH_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    // A token issued by one node is accepted by the other (same secret, same users table).
    JWT_SECRET: randomBytes(32).toString('hex'),
  };
  const nodes: BenchServer[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await db.drop().catch(() => undefined);
    return deleteRedisKeys(prefix);
  };
  try {
    // One after the other: the second finds the schema migrated and the admin created.
    for (const [i, pipe] of PIPE_PORTS.entries()) {
      const options: StartServerOptions = {
        ...base,
        kind: 'minimeet',
        databaseUrl: db.url,
        port: await freePort(),
        env: {
          ...shared,
          ...randomRtcPortRange(),
          CLUSTER_NODE_ID: `large-${i === 0 ? 'a' : 'b'}`,
          CLUSTER_PIPE_LISTEN_IP: '127.0.0.1',
          CLUSTER_PIPE_ANNOUNCED_ADDRESS: '127.0.0.1',
          CLUSTER_PIPE_MIN_PORT: String(pipe[0]),
          CLUSTER_PIPE_MAX_PORT: String(pipe[1]),
        },
      };
      nodes.push(await startServer(options));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, stop };
}
