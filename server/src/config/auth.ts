import { z } from 'zod';
import { commaList, intInRange, refuse } from './env-fields.js';
import { httpEnv } from './http.js';

/** Token signing and lifetimes, and the accounts that are admins. */
export const authEnv = z.object({
  JWT_SECRET: z.string().optional(),
  // Capped so a socket's expiry timer fits setTimeout and a leaked token dies within a day.
  ACCESS_TOKEN_TTL_SECONDS: intInRange('ACCESS_TOKEN_TTL_SECONDS', 900, 1, 86_400),
  // A guest's token: renewed (POST /api/auth/guest/renew) only while present in the call.
  GUEST_TOKEN_TTL_MS: intInRange('GUEST_TOKEN_TTL_MS', 900_000, 10_000, 86_400_000),
  REFRESH_TOKEN_TTL_SECONDS: intInRange('REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 60, 365 * 86_400),
  ADMIN_USERNAMES: z
    .string()
    .default('')
    .transform((raw) => commaList(raw).map((name) => name.toLowerCase())),
});

export const authSection = authEnv.extend({ NODE_ENV: httpEnv.shape.NODE_ENV }).transform((e, ctx) => {
  if (e.NODE_ENV === 'production') {
    if (!e.JWT_SECRET) return refuse(ctx, 'JWT_SECRET: required when NODE_ENV=production');
    if (e.JWT_SECRET.length < 32)
      return refuse(ctx, 'JWT_SECRET: must be at least 32 characters when NODE_ENV=production');
  }
  if (e.REFRESH_TOKEN_TTL_SECONDS <= e.ACCESS_TOKEN_TTL_SECONDS)
    return refuse(
      ctx,
      `REFRESH_TOKEN_TTL_SECONDS: must be longer than ACCESS_TOKEN_TTL_SECONDS (${e.REFRESH_TOKEN_TTL_SECONDS} <= ${e.ACCESS_TOKEN_TTL_SECONDS})`,
    );
  return {
    /**
     * Undefined means "generate one and keep it in dataDir" (main.ts does that before the app
     * starts, see auth/jwt-secret-store.ts), so no known secret ever signs tokens.
     */
    jwtSecret: e.JWT_SECRET,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    /** Lifetime of a guest's room-limited access token. */
    guestTokenTtlMs: e.GUEST_TOKEN_TTL_MS,
    /** Accounts promoted to admin at start (existing ones only); these names cannot be registered. */
    adminUsernames: e.ADMIN_USERNAMES,
  };
});
