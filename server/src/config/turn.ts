import { z } from 'zod';
import { commaList, intInRange, refuse } from './env-fields.js';

const TURN_URL = /^turns?:[^\s?]+(\?transport=(udp|tcp))?$/;

/** TURN servers handed to clients with each transport (see media/ice-servers.ts). */
export const turnEnv = z.object({
  TURN_URLS: z.string().default(''),
  TURN_SECRET: z.string().optional(),
  TURN_USERNAME: z.string().optional(),
  TURN_PASSWORD: z.string().optional(),
  // At least a minute (clients need time to allocate); at most a day, so a leaked one dies.
  TURN_CREDENTIAL_TTL_SECONDS: intInRange('TURN_CREDENTIAL_TTL_SECONDS', 3600, 60, 86_400),
  ICE_TRANSPORT_POLICY: z
    .enum(['all', 'relay'], { message: 'ICE_TRANSPORT_POLICY must be "all" or "relay"' })
    .default('all'),
});

export const turnSection = turnEnv.transform((e, ctx) => {
  const urls = commaList(e.TURN_URLS);
  const bad = urls.find((u) => !TURN_URL.test(u));
  if (bad)
    return refuse(
      ctx,
      `TURN_URLS: "${bad.slice(0, 60)}" is not a turn: or turns: URL (e.g. turn:turn.example.com:3478?transport=udp)`,
    );
  const hasStatic = !!e.TURN_USERNAME || !!e.TURN_PASSWORD;
  if (urls.length) {
    if (e.TURN_SECRET && hasStatic)
      return refuse(ctx, 'TURN_SECRET: set either TURN_SECRET or TURN_USERNAME/TURN_PASSWORD, not both');
    if (!e.TURN_SECRET && !(e.TURN_USERNAME && e.TURN_PASSWORD))
      return refuse(ctx, 'TURN_URLS: needs TURN_SECRET, or both TURN_USERNAME and TURN_PASSWORD');
  } else if (e.TURN_SECRET || hasStatic) {
    return refuse(ctx, 'TURN_URLS: required when TURN_SECRET or TURN_USERNAME/TURN_PASSWORD is set');
  }
  if (e.ICE_TRANSPORT_POLICY === 'relay' && !urls.length)
    return refuse(ctx, 'ICE_TRANSPORT_POLICY: "relay" needs TURN_URLS (clients would have no candidate)');
  return {
    /** turn:/turns: URLs; empty = no TURN. */
    urls,
    /** coturn `use-auth-secret` shared secret: time-limited credentials per user. */
    secret: e.TURN_SECRET,
    /** Static long-term credentials (when there is no secret). */
    username: e.TURN_USERNAME,
    password: e.TURN_PASSWORD,
    credentialTtlSeconds: e.TURN_CREDENTIAL_TTL_SECONDS,
    /** `relay` makes clients use only relayed candidates (testing restrictive networks). */
    iceTransportPolicy: e.ICE_TRANSPORT_POLICY,
  };
});

export type TurnConfig = z.output<typeof turnSection>;
