import { z } from 'zod';
import { intInRange } from './env-fields.js';

/** The lobby (waiting room, see server/src/lobby): how many may wait, how often one may knock, how long a denial holds. */
export const lobbyEnv = z.object({
  LOBBY_MAX_WAITING: intInRange('LOBBY_MAX_WAITING', 100, 1, 10_000),
  LOBBY_KNOCKS_PER_MINUTE: intInRange('LOBBY_KNOCKS_PER_MINUTE', 6, 1, 1000),
  LOBBY_DENY_COOLDOWN_MS: intInRange('LOBBY_DENY_COOLDOWN_MS', 60_000, 0, 86_400_000),
});

export const lobbySection = lobbyEnv.transform((e) => ({
  lobby: {
    /** People one room's lobby holds at once; the next joiner who must wait gets LIMIT_EXCEEDED. */
    maxWaiting: e.LOBBY_MAX_WAITING,
    /** Times one user may start waiting in one room per minute (each knock rings the hosts and sends lobby.knock). */
    knocksPerMinute: e.LOBBY_KNOCKS_PER_MINUTE,
    /** After a moderator denies someone, their joins answer LOBBY_DENIED for this long. */
    denyCooldownMs: e.LOBBY_DENY_COOLDOWN_MS,
  },
}));
