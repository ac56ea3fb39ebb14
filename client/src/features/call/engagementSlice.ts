/**
 * Large meetings (issue 19): the stage's view and page, raised hands (the room's ordered queue)
 * and reactions shown briefly on tiles, with the requests that change them.
 */
import type { RaisedHand, ReactionEmoji } from '@minimeet/shared';
import { describeError } from '../../lib/errors';
import { request } from '../../lib/socket';
import type { CallSlice } from './callState';
import type { StageView } from './paging';

/** A reaction being shown on a user's tile; `seq` tells a repeat of the same emoji apart. */
export interface ShownReaction {
  emoji: ReactionEmoji;
  seq: number;
  /** Date.now() when it arrived. */
  shownAt: number;
}

export interface EngagementState {
  stageView: StageView;
  /** Page of the grid (or of the speaker view's filmstrip); clamped to the pages there are. */
  stagePage: number;
  /** Raised hands, first raised first. */
  hands: RaisedHand[];
  /** userId → the reaction shown on their tile now (the tile hides it after REACTION_SHOW_MS). */
  reactions: Record<number, ShownReaction>;
}

export interface EngagementSlice extends EngagementState {
  setStageView(view: StageView): void;
  setStagePage(page: number): void;
  setHands(hands: RaisedHand[]): void;
  showReaction(userId: number, emoji: ReactionEmoji): void;
  /** The tile's timer ran out: stop showing that reaction (a newer one stays). */
  expireReaction(userId: number, seq: number): void;
  raiseHand(): Promise<void>;
  /** Your own hand, or (moderators) someone else's. */
  lowerHand(userId?: number): Promise<void>;
  sendReaction(emoji: ReactionEmoji): Promise<void>;
}

/** What every call starts from (the chosen view outlives calls). */
export const initialEngagement = {
  stagePage: 0,
  hands: [] as RaisedHand[],
  reactions: {} as Record<number, ShownReaction>,
} satisfies Partial<EngagementState>;

let reactionSeq = 0;

export const createEngagementSlice: CallSlice<EngagementSlice> = (set, get) => {
  /** Runs a room request; a refusal (rate limit, not allowed) becomes the call's notice. */
  async function inRoom(work: (roomId: number) => Promise<unknown>): Promise<void> {
    const roomId = get().roomId;
    if (roomId === null || get().status !== 'joined') return;
    try {
      await work(roomId);
    } catch (err) {
      if (get().roomId === roomId) set({ notice: describeError(err) });
    }
  }

  return {
    ...initialEngagement,
    stageView: 'grid',

    setStageView(view) {
      if (get().stageView !== view) set({ stageView: view, stagePage: 0 });
    },
    setStagePage(page) {
      if (get().stagePage !== page) set({ stagePage: Math.max(0, page) });
    },
    setHands(hands) {
      set({ hands });
    },
    showReaction(userId, emoji) {
      reactionSeq += 1;
      set({ reactions: { ...get().reactions, [userId]: { emoji, seq: reactionSeq, shownAt: Date.now() } } });
    },
    expireReaction(userId, seq) {
      const current = get().reactions[userId];
      if (!current || current.seq !== seq) return;
      const { [userId]: _gone, ...rest } = get().reactions;
      set({ reactions: rest });
    },
    raiseHand: () =>
      inRoom(async (roomId) => {
        const data = await request('raiseHand', { roomId });
        set({ hands: data.hands });
      }),
    lowerHand: (userId) =>
      inRoom(async (roomId) => {
        const data = await request('lowerHand', userId === undefined ? { roomId } : { roomId, userId });
        set({ hands: data.hands });
      }),
    sendReaction: (emoji) => inRoom((roomId) => request('sendReaction', { roomId, emoji })),
  };
};
