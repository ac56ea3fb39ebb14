import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { ParticipantRole } from './rooms.js';
import { QueryInt } from './transforms.js';

/**
 * Webhook event types. `lobby.knock`: someone starts waiting in a room's lobby; `recording.ready`:
 * a recording's files are all in storage.
 */
export const WEBHOOK_EVENT_TYPES = [
  'room.started',
  'room.finished',
  'participant.joined',
  'participant.left',
  'lobby.knock',
  'recording.ready',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The JSON body POSTed to every WEBHOOK_URLS entry. */
export interface WebhookEvent {
  /** Unique event id (uuid), also in X-MiniMeet-Delivery; the same on every retry. */
  id: string;
  type: WebhookEventType;
  /** ISO 8601, when it happened. */
  createdAt: string;
  room: { id: number; name: string };
  /** participant.* (and lobby.knock): who. */
  participant?: { userId: number; username: string; role: ParticipantRole };
  /** recording.ready: the finished recording (download with an admin or moderator token). */
  recording?: { id: number; durationMs: number; sizeBytes: number; downloadPath: string };
}

/** Headers of a webhook POST (lower-case as Node receives them). */
export const WEBHOOK_HEADERS = {
  event: 'x-minimeet-event',
  delivery: 'x-minimeet-delivery',
  timestamp: 'x-minimeet-timestamp',
  signature: 'x-minimeet-signature',
} as const;

export const WEBHOOK_DELIVERIES_DEFAULT_LIMIT = 100;
export const WEBHOOK_DELIVERIES_MAX_LIMIT = 1000;

/** One attempt to deliver one event to one URL (GET /api/admin/webhooks/deliveries). */
export interface WebhookAttemptDto {
  eventId: string;
  type: WebhookEventType;
  roomId: number;
  url: string;
  /** 1 for the first try. */
  attempt: number;
  /** The receiver's HTTP status; null when there was none (timeout, refused connection). */
  statusCode: number | null;
  /** Why it failed (non-2xx, timeout, network error); null when delivered. */
  error: string | null;
  delivered: boolean;
  /** ISO 8601. */
  at: string;
}

/** GET /api/admin/webhooks/deliveries: newest first. */
export interface WebhookDeliveriesResponse {
  attempts: WebhookAttemptDto[];
}

export class WebhookDeliveriesQuery {
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(WEBHOOK_DELIVERIES_MAX_LIMIT)
  limit?: number;
}
