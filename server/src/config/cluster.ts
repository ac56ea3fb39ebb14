import os from 'node:os';
import { z } from 'zod';
import { intInRange, ipAddress, port, refuse } from './env-fields.js';
import { httpEnv } from './http.js';
import { mediaEnv } from './media.js';
import { redisEnv } from './redis.js';

/** Several nodes sharing rooms (meaningful with REDIS_URL; see server/src/cluster). */
export const clusterEnv = z.object({
  CLUSTER_NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'CLUSTER_NODE_ID must be 1-64 of [A-Za-z0-9_.-]')
    .optional(),
  CLUSTER_NODE_TTL_MS: intInRange('CLUSTER_NODE_TTL_MS', 10_000, 3000, 60_000),
  CLUSTER_REQUEST_TIMEOUT_MS: intInRange('CLUSTER_REQUEST_TIMEOUT_MS', 5000, 200, 60_000),
  CLUSTER_PIPE_LISTEN_IP: ipAddress('CLUSTER_PIPE_LISTEN_IP').optional(),
  CLUSTER_PIPE_ANNOUNCED_ADDRESS: z.string().optional(),
  CLUSTER_PIPE_MIN_PORT: port('CLUSTER_PIPE_MIN_PORT', 40100),
  CLUSTER_PIPE_MAX_PORT: port('CLUSTER_PIPE_MAX_PORT', 40999),
  CLUSTER_PIPE_IDLE_CLOSE_MS: intInRange('CLUSTER_PIPE_IDLE_CLOSE_MS', 5000, 100, 600_000),
  CLUSTER_PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'CLUSTER_PUBLIC_URL must be an http(s) URL' })
    .optional(),
});

/** What the cluster's defaults and checks read from other sections (declared there). */
const borrowed = {
  PORT: httpEnv.shape.PORT,
  REDIS_URL: redisEnv.shape.REDIS_URL,
  ...mediaEnv.pick({
    MEDIASOUP_LISTEN_IP: true,
    MEDIASOUP_ANNOUNCED_ADDRESS: true,
    RTC_MIN_PORT: true,
    RTC_MAX_PORT: true,
  }).shape,
};

export const clusterSection = clusterEnv.extend(borrowed).transform((e, ctx) => {
  if (e.CLUSTER_PIPE_MIN_PORT > e.CLUSTER_PIPE_MAX_PORT)
    return refuse(
      ctx,
      `CLUSTER_PIPE_MIN_PORT/CLUSTER_PIPE_MAX_PORT: inverted range ${e.CLUSTER_PIPE_MIN_PORT} > ${e.CLUSTER_PIPE_MAX_PORT}`,
    );
  // Pipe transports only exist in a cluster; there both ranges bind UDP on this machine.
  if (
    e.REDIS_URL &&
    e.RTC_MIN_PORT <= e.RTC_MAX_PORT &&
    e.CLUSTER_PIPE_MIN_PORT <= e.RTC_MAX_PORT &&
    e.RTC_MIN_PORT <= e.CLUSTER_PIPE_MAX_PORT
  )
    return refuse(
      ctx,
      `CLUSTER_PIPE_MIN_PORT/CLUSTER_PIPE_MAX_PORT: range ${e.CLUSTER_PIPE_MIN_PORT}-${e.CLUSTER_PIPE_MAX_PORT} overlaps RTC_MIN_PORT/RTC_MAX_PORT ${e.RTC_MIN_PORT}-${e.RTC_MAX_PORT} (pipe and WebRTC media would take each other's ports)`,
    );
  return {
    /** Stable per node (a restarted node sweeps what its previous run left behind). */
    nodeId: e.CLUSTER_NODE_ID ?? defaultNodeId(e.PORT),
    /** A node that has not heart-beaten for this long is dead. */
    nodeTtlMs: e.CLUSTER_NODE_TTL_MS,
    /** How long a request to another node may take. */
    requestTimeoutMs: e.CLUSTER_REQUEST_TIMEOUT_MS,
    /**
     * Where clients reach this node directly (published in the node registry): a draining node
     * names another node's URL to its clients. Unset: clients reconnect to the URL they used.
     */
    publicUrl: e.CLUSTER_PUBLIC_URL?.replace(/\/+$/, ''),
    pipe: {
      /** Local IP the pipe transports to other nodes bind to. */
      listenIp: e.CLUSTER_PIPE_LISTEN_IP ?? e.MEDIASOUP_LISTEN_IP,
      /** Address other nodes send pipe media to (defaults: MEDIASOUP_ANNOUNCED_ADDRESS, then listenIp). */
      announcedAddress: e.CLUSTER_PIPE_ANNOUNCED_ADDRESS ?? e.MEDIASOUP_ANNOUNCED_ADDRESS,
      minPort: e.CLUSTER_PIPE_MIN_PORT,
      maxPort: e.CLUSTER_PIPE_MAX_PORT,
      /**
       * A video producer piped in from another node that nobody here consumes any more is unpiped
       * after this long (paging back and forth does not re-pipe it each time).
       */
      idleCloseMs: e.CLUSTER_PIPE_IDLE_CLOSE_MS,
    },
  };
});

export type ClusterConfig = z.output<typeof clusterSection>;

/** Host name and port: stable across restarts of the same service, distinct per replica. */
function defaultNodeId(port: number): string {
  const host =
    os
      .hostname()
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .slice(0, 56) || 'node';
  return `${host}-${port}`;
}
