/** What a MiniMeetPeer is told at construction, and the events it reports. */
import type { ParticipantRole } from '@minimeet/shared';
import type { ReceivedStream } from './received-streams.js';

export interface PeerOptions {
  url: string;
  roomId: number;
  /** A token, or username + password (registered if unknown). */
  token?: string;
  username?: string;
  password?: string;
  /** What to send (default both). */
  audio?: boolean;
  video?: boolean;
  /** Consume the other participants' producers (default true; false: a send-only peer). */
  consume?: boolean;
  /**
   * Also gather ICE-TCP (active) candidates, as browsers do; werift only gathers UDP by default.
   * Needed where UDP is blocked and media must reach the SFU's TCP port.
   */
  iceTcp?: boolean;
  /** Socket.IO reconnection (default true). */
  reconnection?: boolean;
  log?: (message: string) => void;
}

export interface PeerEvents {
  mediaReady: [];
  mediaReset: [{ reason: string }];
  reconnected: [{ resumed: boolean }];
  /** The node it is on is stopping: it reconnects (to `alternativeUrl` when named) after `reconnectInMs`. */
  serverDraining: [{ reconnectInMs: number; alternativeUrl?: string }];
  stream: [ReceivedStream];
  streamClosed: [ReceivedStream];
  producerPaused: [{ producerId: string }];
  producerResumed: [{ producerId: string }];
  producerClosed: [{ producerId: string }];
  /** Our role in a webinar changed (participantsDelta `changed`): 'attendee' may not publish. */
  roleChanged: [{ role: ParticipantRole }];
  error: [Error];
}
