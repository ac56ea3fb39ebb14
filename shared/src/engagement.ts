import { IsIn, IsInt, IsOptional, Min } from 'class-validator';

/*
 * Large-meeting engagement (issue 19 item 4), over Socket.IO: raise hand, emoji reactions and
 * mute everyone. The hand queue has its own events so the participant list format stays as it is.
 */

/** One raised hand; the queue is ordered by who raised first. */
export interface RaisedHand {
  userId: number;
  username: string;
  /** When the hand went up (ISO 8601). */
  raisedAt: string;
}

/** Socket `raiseHand`: your own hand goes to the end of the queue (no change if already raised). */
export class RaiseHandRequest {
  @IsInt()
  @Min(1)
  roomId!: number;
}

/**
 * Socket `lowerHand`: without `userId` (or with your own) your own hand; with another user's id
 * theirs, for the room's owner and admins only (FORBIDDEN for everyone else).
 */
export class LowerHandRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  userId?: number;
}

/** Answer of raiseHand / lowerHand: the queue after the change. */
export interface HandQueueData {
  roomId: number;
  hands: RaisedHand[];
}

/** To everyone in the room whenever the queue changes (also in the joinRoom answer as `hands`). */
export type HandQueueEvent = HandQueueData;

/** The reactions a participant can send; anything else is VALIDATION. */
export const REACTION_EMOJIS = ['👍', '👏', '❤️', '😂', '😮', '🎉'] as const;
export type ReactionEmoji = (typeof REACTION_EMOJIS)[number];

/** How long clients show a reaction on the sender's tile. */
export const REACTION_SHOW_MS = 4000;

/** Socket `sendReaction`: rate limited per user (RATE_LIMITED with retryAfterMs). */
export class SendReactionRequest {
  @IsInt()
  @Min(1)
  roomId!: number;

  @IsIn(REACTION_EMOJIS)
  emoji!: ReactionEmoji;
}

export interface SendReactionData {
  roomId: number;
  emoji: ReactionEmoji;
}

/** To everyone in the room (the sender's sockets included). */
export interface ReactionEvent {
  roomId: number;
  userId: number;
  emoji: ReactionEmoji;
}

/**
 * Socket `muteAll` (owner and admins): pauses every other present participant's microphone
 * producer, like muteParticipant for each; each gets `moderatorMuted` and may unmute themselves.
 */
export class MuteAllRequest {
  @IsInt()
  @Min(1)
  roomId!: number;
}

export interface MuteAllData {
  roomId: number;
}
