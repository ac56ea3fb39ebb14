import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter, Histogram, type Registry } from 'prom-client';
import { AckResponder } from '../realtime/ack-responder.js';
import { METRICS_REGISTRY } from './metrics-registry.js';

/** Seconds; from a fast cached answer to a slow mediasoup or database round trip. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Event-driven metrics: HTTP and socket request latency, socket refusals by code, chat messages stored. */
@Injectable()
export class AppMetrics implements OnModuleInit, OnModuleDestroy {
  readonly #httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly #ackDuration: Histogram<'event' | 'ok'>;
  readonly #socketErrors: Counter<'event' | 'code'>;
  readonly #chatMessages: Counter;
  #stopObservingAcks: (() => void) | undefined;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(AckResponder) private readonly acks: AckResponder,
  ) {
    this.#httpDuration = new Histogram({
      name: 'minimeet_http_request_duration_seconds',
      help: 'HTTP request duration by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    this.#ackDuration = new Histogram({
      name: 'minimeet_socket_ack_duration_seconds',
      help: 'Socket.IO request handling time until the ack, by event and outcome',
      labelNames: ['event', 'ok'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    });
    this.#socketErrors = new Counter({
      name: 'minimeet_socket_errors_total',
      help: 'Socket.IO requests refused, by event and error code',
      labelNames: ['event', 'code'],
      registers: [registry],
    });
    this.#chatMessages = new Counter({
      name: 'minimeet_chat_messages_stored_total',
      help: 'Chat messages stored (retries of an already stored message not counted)',
      registers: [registry],
    });
  }

  onModuleInit() {
    this.#stopObservingAcks = this.acks.observe(({ event, ok, code, durationMs }) => {
      this.#ackDuration.observe({ event, ok: String(ok) }, durationMs / 1000);
      if (code !== null) this.#socketErrors.inc({ event, code });
    });
  }

  onModuleDestroy() {
    this.#stopObservingAcks?.();
  }

  /** `route` must be a pattern (/api/rooms/:id), never a raw URL, to keep label values bounded. */
  observeHttpRequest(method: string, route: string, status: number, durationMs: number): void {
    this.#httpDuration.observe({ method, route, status: String(status) }, durationMs / 1000);
  }

  chatMessageStored(): void {
    this.#chatMessages.inc();
  }
}
