/** werift's RTCPeerConnection & co. as the browser globals mediasoup-client's Chrome111 handler expects. */
import { installPolyfill } from 'werift/polyfill';

/** Once per process, before any Device: a second call finds the globals and does nothing. */
export function installWeriftGlobals(): void {
  if (typeof globalThis.RTCPeerConnection !== 'undefined') return;
  installPolyfill({
    mediaRegister: [],
    // werift skips loopback when gathering; the SFU may listen on 127.0.0.1 only.
    peerConnectionConfig: { iceAdditionalHostAddresses: ['127.0.0.1'], iceUseIpv6: false },
  });
}
