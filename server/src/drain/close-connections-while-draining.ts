import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DrainState } from '../realtime/drain-state.js';

/**
 * While the node drains, every HTTP answer closes its connection (`Connection: close`): a client
 * or load balancer that keeps connections alive opens its next one anew, and so reaches a node
 * that takes work. It also lets the node close: a kept-alive connection with a request under way
 * when the HTTP server closes stays open as long as its client asks again within the keep-alive
 * timeout, which a balancer's health checks always do. Decided when the head is written, not when
 * the request came in: a request under way as the drain begins is answered that way too.
 */
export function closeConnectionsWhileDraining(drain: DrainState) {
  return (_req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const writeHead = res.writeHead as (this: ServerResponse, ...args: unknown[]) => ServerResponse;
    res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      if (drain.draining && !this.headersSent) this.setHeader('Connection', 'close');
      return writeHead.apply(this, args);
    } as ServerResponse['writeHead'];
    next();
  };
}
