import { describe, expect, it } from 'vitest';
import { classes, Message, methods, parseMessage } from 'werift';
import { IceLiteClient, pickUdpCandidate } from '../src/light/index.js';

const remote = { usernameFragment: 'srvufrag', password: 'server-password-1234' };

describe('light receiver ICE', () => {
  it('sends signed USE-CANDIDATE checks as the controlling agent and connects on an answer', async () => {
    const sent: Buffer[] = [];
    const ice = new IceLiteClient({ send: (b) => sent.push(b), remote, checkIntervalMs: 20 });
    const connected = ice.connect();
    // Parsing with the server's password checks MESSAGE-INTEGRITY (a bad one gives undefined).
    const req = parseMessage(sent[0]!, Buffer.from(remote.password))!;
    expect(req.messageClass).toBe(classes.REQUEST);
    expect(req.getAttributeValue('USERNAME')).toBe(`srvufrag:${ice.localUfrag}`);
    expect(req.attributesKeys).toEqual(
      expect.arrayContaining(['USE-CANDIDATE', 'ICE-CONTROLLING', 'PRIORITY']),
    );
    // An answer to an unknown transaction is ignored; the right one connects.
    const answer = (id: Buffer) =>
      new Message(methods.BINDING, classes.RESPONSE, id)
        .addMessageIntegrity(Buffer.from(remote.password))
        .addFingerprint().bytes;
    ice.handle(answer(Buffer.alloc(12, 7)));
    expect(ice.connected).toBe(false);
    ice.handle(answer(req.transactionId));
    await connected;
    expect(ice.connected).toBe(true);
    ice.close();
  });

  it('gives up with a clear error when the server never answers, and stops sending', async () => {
    let sent = 0;
    const ice = new IceLiteClient({ send: () => sent++, remote, checkIntervalMs: 20, connectTimeoutMs: 200 });
    await expect(ice.connect()).rejects.toThrow(/ICE: no answer from the server candidate within 200 ms/);
    const after = sent;
    await new Promise((r) => setTimeout(r, 100));
    expect(sent).toBe(after);
    ice.close();
  });

  it('picks the IPv4 UDP candidate and refuses a TCP-only transport', () => {
    const c = (address: string, protocol: 'udp' | 'tcp') => ({
      foundation: 'f',
      priority: 1,
      address,
      protocol,
      port: 40000,
      type: 'host' as const,
    });
    expect(pickUdpCandidate([c('::1', 'udp'), c('127.0.0.1', 'tcp'), c('127.0.0.1', 'udp')]).address).toBe(
      '127.0.0.1',
    );
    expect(pickUdpCandidate([c('::1', 'udp')]).address).toBe('::1');
    expect(() => pickUdpCandidate([c('127.0.0.1', 'tcp')])).toThrow(/no UDP candidate/);
  });
});
