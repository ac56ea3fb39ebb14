import { pino } from 'pino';
import type { DataSource } from 'typeorm';
import { ApiKey } from '../api-keys/api-key.entity.js';
import { ApiKeyStore } from '../api-keys/api-key-store.js';
import { SecretCipher } from '../api-keys/secret-cipher.js';
import { loadOrCreateJwtSecret } from '../auth/jwt-secret-store.js';

export const APIKEY_USAGE = `  apikey create <name>                   new API key; prints its id and secret (shown only this once)
  apikey list                            list API keys (never their secrets)
  apikey revoke <key id>                 revoke a key: its tokens and sessions stop working`;

/** The server's JWT secret, exactly as the server resolves it (JWT_SECRET, else the DATA_DIR file). */
export function cliJwtSecret(config: { jwtSecret?: string; dataDir: string }): string {
  return config.jwtSecret ?? loadOrCreateJwtSecret(config.dataDir, pino({ level: 'silent' }));
}

/** `apikey <sub> [arg]` against an initialized data source; returns the lines to print. */
export async function runApiKeyCommand(
  dataSource: DataSource,
  jwtSecret: string,
  sub: string,
  arg: string | undefined,
): Promise<string[]> {
  const store = new ApiKeyStore(dataSource.getRepository(ApiKey), new SecretCipher(jwtSecret));
  switch (sub) {
    case 'create': {
      const key = await store.create(arg!);
      return [
        `created API key "${key.name}"`,
        `key id: ${key.id}`,
        `secret: ${key.secret}`,
        'The secret is shown only now: keep it in the app that mints join tokens.',
      ];
    }
    case 'list': {
      const keys = await store.list();
      if (!keys.length) return ['no API keys (create one: npm run admin -- apikey create <name>)'];
      return keys.map(
        (k) => `${k.id}\t${k.name}\t${k.createdAt.toISOString()}\t${k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active'}`,
      );
    }
    case 'revoke':
      return [(await store.revoke(arg!)) ? `revoked API key ${arg}` : `API key ${arg} was already revoked`];
    default:
      throw new Error(`unknown apikey command ${sub}`);
  }
}
