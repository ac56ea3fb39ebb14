import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { chooseAnnouncedAddress, isLoopbackAddress } from './announced-address.js';

function iface(address: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo {
  return {
    address,
    family,
    internal,
    netmask: '',
    mac: '00:00:00:00:00:00',
    cidr: null,
  } as NetworkInterfaceInfo;
}

const machine = {
  lo: [iface('127.0.0.1', 'IPv4', true), iface('::1', 'IPv6', true)],
  eth0: [iface('fd00::2', 'IPv6', false), iface('192.0.2.2', 'IPv4', false)],
};

describe('chooseAnnouncedAddress', () => {
  it('keeps a configured address', () => {
    expect(chooseAnnouncedAddress('0.0.0.0', 'meet.example.org', machine)).toEqual({
      address: 'meet.example.org',
      detected: false,
    });
  });

  it('announces nothing extra when media listens on a concrete IP', () => {
    expect(chooseAnnouncedAddress('127.0.0.1', undefined, machine)).toEqual({
      address: undefined,
      detected: false,
    });
  });

  it('replaces the wildcard by the first non-internal IPv4 address', () => {
    expect(chooseAnnouncedAddress('0.0.0.0', undefined, machine)).toEqual({
      address: '192.0.2.2',
      detected: true,
    });
  });

  it('falls back to loopback on a machine without a network', () => {
    expect(chooseAnnouncedAddress('0.0.0.0', undefined, { lo: machine.lo })).toEqual({
      address: '127.0.0.1',
      detected: true,
    });
  });
});

describe('isLoopbackAddress', () => {
  it('recognises IPv4 and IPv6 loopback and localhost, not routable addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', 'LOCALHOST'])
      expect(isLoopbackAddress(a)).toBe(true);
    for (const a of ['192.0.2.2', '0.0.0.0', 'fd00::2', 'media.example.com', '10.127.0.1']) {
      expect(isLoopbackAddress(a)).toBe(false);
    }
  });
});
