import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';

describe('clientAddress', () => {
  it('is the TCP peer without trusted proxies, whatever X-Forwarded-For says', () => {
    expect(clientAddress('10.0.0.1', { 'x-forwarded-for': '1.2.3.4' }, 0)).toBe('10.0.0.1');
  });

  it('reads X-Forwarded-For from the right, one entry per trusted hop', () => {
    const headers = { 'x-forwarded-for': '6.6.6.6, 1.2.3.4, 10.0.0.2' };
    expect(clientAddress('10.0.0.1', headers, 1)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.1', headers, 2)).toBe('1.2.3.4');
  });

  it('stops at the leftmost entry when there are fewer than the trusted hops', () => {
    expect(clientAddress('10.0.0.1', { 'x-forwarded-for': '1.2.3.4' }, 5)).toBe('1.2.3.4');
    expect(clientAddress('10.0.0.1', {}, 1)).toBe('10.0.0.1');
  });
});
