/**
 * The embed page's side of the postMessage API (shared/src/embed.ts), with the origin checks and
 * nothing of the call: commands go to `run`, events come in through `emit`. Commands are taken
 * only from the parent window at an allowed origin; events go only to the parent's origin (never
 * '*'), and wait until that origin is known.
 */
import {
  EMBED_MESSAGE_SOURCE,
  isEmbedCommandEnvelope,
  isEmbedCommandName,
  type EmbedCommandName,
  type EmbedError,
  type EmbedEventMap,
  type EmbedEventName,
  type EmbedOutgoingMessage,
  type EmbedState,
} from '@minimeet/shared';

/** A command that could not be carried out: answered `{ ok: false, error }`. */
export class EmbedCommandError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EmbedCommandError';
  }
}

/** The window the frame posts to (window.parent). */
export interface MessageTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}

/** Where the frame listens (its own window). */
export interface MessageSource {
  addEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (e: MessageEvent) => void): void;
}

export interface EmbedBridgeOptions {
  self: MessageSource;
  parent: MessageTarget;
  allowedOrigins: readonly string[];
  /** The parent's origin as the frame could tell it (see parentOriginOf); null: learned from the first valid command. */
  parentOrigin: string | null;
  /** Carries out a command; throws EmbedCommandError to refuse it. Resolves the state after it. */
  run(command: EmbedCommandName): Promise<EmbedState>;
}

/** Events kept while the parent's origin is unknown (the oldest are dropped past this). */
const MAX_PENDING = 100;

/**
 * The parent's origin from what the browser tells a frame: `location.ancestorOrigins[0]`
 * (Chromium, Safari) or the referrer's origin (the parent page's URL under the default referrer
 * policy). Only an allowed origin counts; anything else is null.
 */
export function parentOriginOf(
  allowedOrigins: readonly string[],
  ancestorOrigins: ArrayLike<string> | undefined,
  referrer: string,
): string | null {
  let candidate: string | null = ancestorOrigins && ancestorOrigins.length > 0 ? ancestorOrigins[0]! : null;
  if (!candidate && referrer) {
    try {
      candidate = new URL(referrer).origin;
    } catch {
      candidate = null;
    }
  }
  return candidate && allowedOrigins.includes(candidate) ? candidate : null;
}

export class EmbedBridge {
  private parentOrigin: string | null;
  private pending: EmbedOutgoingMessage[] = [];
  private readonly onMessage = (e: MessageEvent) => void this.receive(e);
  private started = false;

  constructor(private readonly opts: EmbedBridgeOptions) {
    this.parentOrigin = opts.parentOrigin && opts.allowedOrigins.includes(opts.parentOrigin) ? opts.parentOrigin : null;
  }

  /** The origin events go to; null until known. */
  get target(): string | null {
    return this.parentOrigin;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.opts.self.addEventListener('message', this.onMessage);
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.opts.self.removeEventListener('message', this.onMessage);
    this.pending = [];
  }

  emit<K extends EmbedEventName>(event: K, data: EmbedEventMap[K]): void {
    this.post({ source: EMBED_MESSAGE_SOURCE, type: 'event', event, data } as EmbedOutgoingMessage);
  }

  private post(message: EmbedOutgoingMessage): void {
    if (!this.parentOrigin) {
      this.pending.push(message);
      if (this.pending.length > MAX_PENDING) this.pending.shift();
      return;
    }
    this.opts.parent.postMessage(message, this.parentOrigin);
  }

  private async receive(e: MessageEvent): Promise<void> {
    if (!this.started || e.source !== this.opts.parent || !isEmbedCommandEnvelope(e.data)) return;
    if (!this.opts.allowedOrigins.includes(e.origin)) return;
    if (this.parentOrigin && e.origin !== this.parentOrigin) return;
    if (!this.parentOrigin) {
      // The parent itself, at an allowed origin: now we know where events go.
      this.parentOrigin = e.origin;
      const queued = this.pending;
      this.pending = [];
      for (const message of queued) this.post(message);
    }
    const { command, requestId } = e.data;
    const base = { source: EMBED_MESSAGE_SOURCE as typeof EMBED_MESSAGE_SOURCE, type: 'result' as const, ...(requestId !== undefined ? { requestId } : {}) };
    if (!isEmbedCommandName(command)) {
      const error: EmbedError = { code: 'EMBED_UNKNOWN_COMMAND', message: `Unknown command "${command}".` };
      // The result type names known commands; an unknown one is echoed as the parent sent it.
      this.post({ ...base, command: command as EmbedCommandName, ok: false, error });
      return;
    }
    try {
      const state = await this.opts.run(command);
      this.post({ ...base, command, ok: true, state });
    } catch (err) {
      const error: EmbedError =
        err instanceof EmbedCommandError
          ? { code: err.code, message: err.message }
          : { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
      this.post({ ...base, command, ok: false, error });
    }
  }
}
