import { PROTOCOL_VERSION } from '@minimeet/shared';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeSocket } from '../test/fakeSocket';

const opened = vi.hoisted(() => ({ options: [] as Array<{ auth?: unknown }> }));

vi.mock('socket.io-client', () => ({
  io: (options: { auth?: unknown }) => {
    opened.options.push(options);
    return new FakeSocket('from io()');
  },
}));

const { connectSocket, disconnectSocket } = await import('./socket');

describe('the browser handshake', () => {
  afterEach(() => disconnectSocket());

  it('sends the access token and the protocol version', () => {
    connectSocket('tok');
    const auth = opened.options.at(-1)?.auth as (cb: (data: object) => void) => void;
    let sent: object | undefined;
    auth((data) => (sent = data));
    expect(sent).toEqual({ token: 'tok', protocolVersion: PROTOCOL_VERSION });
  });
});
