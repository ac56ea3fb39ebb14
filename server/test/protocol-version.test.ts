import {
  PROTOCOL_VERSION,
  SOCKET_PROTOCOL_MISMATCH,
  SOCKET_UNAUTHORIZED,
  type ProtocolMismatchData,
} from '@minimeet/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeAllSockets, connect, registerUser } from './helpers/chat-client.js';
import { startChatTarget, type ChatTarget } from './helpers/chat-server.js';

type ConnectError = Error & { data?: ProtocolMismatchData };

async function refusal(url: string, handshake: object): Promise<ConnectError> {
  const err: unknown = await connect(url, undefined, handshake).then(
    () => {
      throw new Error('the server accepted the handshake');
    },
    (e: unknown) => e,
  );
  return err as ConnectError;
}

/** The handshake's protocol version: an incompatible or missing one is refused before the token is looked at. */
describe('socket handshake protocol version', () => {
  let target: ChatTarget;
  let token: string;
  const nextMajor = `${Number(PROTOCOL_VERSION.split('.')[0]) + 1}.0`;

  beforeAll(async () => {
    target = await startChatTarget('sqlite');
    token = (await registerUser(target.url, 'proto')).accessToken;
  });
  afterAll(async () => {
    closeAllSockets();
    await target?.stop();
  });
  afterEach(() => closeAllSockets());

  it.each([
    ['another major version', { protocolVersion: nextMajor }, nextMajor],
    ['a malformed version', { protocolVersion: 'v1' }, 'v1'],
    ['no version', {}, null],
  ])(
    'refuses %s with connect_error PROTOCOL_MISMATCH naming both versions',
    async (_name, version, clientVersion) => {
      const err = await refusal(target.url, { token, ...version });
      expect(err.message).toBe(SOCKET_PROTOCOL_MISMATCH);
      expect(err.data).toMatchObject({
        code: SOCKET_PROTOCOL_MISMATCH,
        serverVersion: PROTOCOL_VERSION,
        clientVersion,
      });
      expect(err.data?.message).toContain(PROTOCOL_VERSION);
      expect(err.data?.message).toContain(clientVersion ?? 'none');
    },
  );

  it('accepts the same major with another minor, and still checks the token', async () => {
    const [major] = PROTOCOL_VERSION.split('.');
    await expect(
      connect(target.url, token, { token, protocolVersion: `${major}.999` }),
    ).resolves.toBeDefined();
    const err = await refusal(target.url, { token: 'not-a-jwt', protocolVersion: PROTOCOL_VERSION });
    expect(err.message).toBe(SOCKET_UNAUTHORIZED);
  });
});
