/// <reference lib="dom" />
/**
 * Page-side helpers for reading WebRTC stats (e2e tests, network bench). Functions here are serialized into
 * the page (init script / evaluate): they must not use anything from this module's scope.
 */

/** Collects every RTCPeerConnection the app creates (window.__pcs), so a test can read its stats. */
export function trackPeerConnections(): void {
  const w = window as unknown as { __pcs?: RTCPeerConnection[] };
  if (w.__pcs) return;
  w.__pcs = [];
  const Native = window.RTCPeerConnection;
  const Tracked = function (this: unknown, ...args: ConstructorParameters<typeof RTCPeerConnection>) {
    const pc = new Native(...args);
    w.__pcs!.push(pc);
    return pc;
  } as unknown as typeof RTCPeerConnection;
  Tracked.prototype = Native.prototype;
  Object.defineProperty(Tracked, 'generateCertificate', { value: Native.generateCertificate.bind(Native) });
  window.RTCPeerConnection = Tracked;
}
