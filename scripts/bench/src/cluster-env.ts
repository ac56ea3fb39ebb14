/** Environment of a bench cluster node: its own ports, and what the nodes of one cluster share. */
import { randomBytes } from 'node:crypto';
import { BENCH_REDIS } from './redis.js';

export interface NodePorts {
  http: number;
  rtc: readonly [number, number];
  pipe: readonly [number, number];
}

/** A node's RTC and pipe ports and id; alone (no Redis) unless `env` (applied last) says otherwise. */
export function nodeEnv(ports: NodePorts, nodeId: string, env: Record<string, string>): Record<string, string> {
  return {
    RTC_MIN_PORT: String(ports.rtc[0]),
    RTC_MAX_PORT: String(ports.rtc[1]),
    CLUSTER_NODE_ID: nodeId,
    CLUSTER_PIPE_LISTEN_IP: '127.0.0.1',
    CLUSTER_PIPE_ANNOUNCED_ADDRESS: '127.0.0.1',
    CLUSTER_PIPE_MIN_PORT: String(ports.pipe[0]),
    CLUSTER_PIPE_MAX_PORT: String(ports.pipe[1]),
    // One process alone, whatever the caller's environment says.
    REDIS_URL: '',
    ...env,
  };
}

/** What every node of one cluster shares: Redis under a fresh key prefix, and the token secret. */
export function sharedClusterEnv(): { prefix: string; env: Record<string, string> } {
  const prefix = `mmbench-${randomBytes(4).toString('hex')}`;
  return {
    prefix,
    env: {
      REDIS_URL: `redis://${BENCH_REDIS.host}:${BENCH_REDIS.port}`,
      REDIS_KEY_PREFIX: prefix,
      // A token issued by one node is accepted by the other (same secret, same users table).
      JWT_SECRET: randomBytes(32).toString('hex'),
    },
  };
}
