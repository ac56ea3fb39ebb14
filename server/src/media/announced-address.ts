import type { NetworkInterfaceInfo } from 'node:os';

export interface AnnouncedAddressChoice {
  /** What ICE candidates carry; undefined = the listen IP itself. */
  address: string | undefined;
  /** True when picked from the machine's interfaces rather than configured. */
  detected: boolean;
}

/**
 * The address put in ICE candidates. A wildcard listen IP (0.0.0.0) can't be announced — browsers
 * drop such candidates and no media flows — so without MEDIASOUP_ANNOUNCED_ADDRESS we announce the
 * machine's first non-internal IPv4 address (reachable from this host and its LAN), or loopback
 * when it has none. Behind NAT the operator still has to set the public address.
 */
export function chooseAnnouncedAddress(
  listenIp: string,
  configured: string | undefined,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): AnnouncedAddressChoice {
  if (configured) return { address: configured, detected: false };
  if (listenIp !== '0.0.0.0') return { address: undefined, detected: false };
  for (const name of Object.keys(interfaces).sort()) {
    for (const info of interfaces[name] ?? []) {
      if (info.family === 'IPv4' && !info.internal) return { address: info.address, detected: true };
    }
  }
  return { address: '127.0.0.1', detected: true };
}

/**
 * True when ICE candidates with this address can only be reached from this machine's loopback.
 * Firefox never pairs its own host candidates (all on real interfaces; it gathers no loopback
 * candidate even with media.peerconnection.ice.loopback) with a loopback remote candidate, so
 * Firefox users get no media from such a server (docs/firefox.md). Chromium does pair them.
 */
export function isLoopbackAddress(address: string): boolean {
  const a = address.trim().toLowerCase();
  return a === 'localhost' || a === '::1' || a === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}
