/**
 * Socket `serverDraining`: the server node this socket is on is stopping (SIGTERM: a deploy, a
 * restart, a scale-down). It takes no new joins from now on and exits once its sockets have gone
 * or after its SHUTDOWN_GRACE_MS. The client reconnects by itself after `reconnectInMs` and rejoins
 * its rooms, keeping its place in them (presence and the call carry over).
 */
export interface ServerDrainingEvent {
  /**
   * When to reconnect, from now (ms). The server spreads its sockets' delays over part of its
   * grace period, so one node's clients do not all arrive at the next node at once.
   */
  reconnectInMs: number;
  /**
   * Another node of the cluster to reconnect to (its CLUSTER_PUBLIC_URL), when one is up, not
   * draining and has a public URL. Absent: reconnect to the same URL (a load balancer in front
   * sends the new connection to another node).
   */
  alternativeUrl?: string;
  /** When the node stops at the latest (ms from now): sockets still on it are then dropped. */
  shutdownInMs: number;
}
