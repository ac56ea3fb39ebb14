import { describe, expect, it } from 'vitest';
import { ChatLedger } from '../src/chat-ledger.js';

describe('ChatLedger', () => {
  it('expects every message once at every room member, sender included', () => {
    const ledger = new ChatLedger();
    const members = new Map([[1, [0, 1, 2]]]);
    ledger.sent('m1', 1, 1000);
    ledger.received('m1', 0, 1003);
    ledger.received('m1', 1, 1005);
    ledger.received('m1', 1, 1006); // twice at bot 1
    // bot 2 never gets it
    ledger.sent('m2', 1, 2000);
    ledger.refused('m2'); // rate limited: expected nowhere
    ledger.received('other-user-message', 2);
    expect(ledger.totals(members)).toEqual({
      sent: 1,
      refused: 1,
      received: 2,
      lost: 1,
      duplicated: 1,
      latenciesMs: [3, 5],
    });
    expect(ledger.foreign).toBe(1);
  });
});
