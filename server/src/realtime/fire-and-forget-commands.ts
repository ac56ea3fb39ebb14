import type { Redis } from 'ioredis';

/**
 * The commands the Socket.IO Redis adapter sends without handling their outcome: every
 * broadcast's PUBLISH, and the (un)subscriptions it makes when a server opens or closes.
 */
const UNAWAITED = ['publish', 'subscribe', 'psubscribe', 'unsubscribe', 'punsubscribe'] as const;

type Command = (...args: unknown[]) => Promise<unknown>;

/**
 * Gives each of `client`'s commands the adapter leaves unawaited a rejection handler, so one that
 * fails (Redis down past the retries, or sent while the client quits at shutdown) is reported to
 * `onFailure` instead of becoming an unhandled rejection that ends the process. A caller that does
 * await the promise still sees the rejection: the same promise is returned.
 */
export function reportUnawaitedFailures(client: Redis, onFailure: (command: string, err: unknown) => void): void {
  const commands = client as unknown as Record<(typeof UNAWAITED)[number], Command>;
  for (const name of UNAWAITED) {
    const send = commands[name].bind(client);
    commands[name] = (...args: unknown[]) => {
      const sent = send(...args);
      sent.catch((err: unknown) => onFailure(name, err));
      return sent;
    };
  }
}
