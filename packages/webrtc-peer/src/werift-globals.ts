/** werift's RTCPeerConnection & co. as the browser globals mediasoup-client's Chrome111 handler expects. */
import { RTCRtpHeaderExtensionParameters } from 'werift';
import { installPolyfill } from 'werift/polyfill';
import { AUDIO_LEVEL_URI } from './clip-media.js';

/** The id werift offers for the audio level extension (any free one-byte id). */
const AUDIO_LEVEL_EXTENSION_ID = 10;

/** Once per process, before any Device: a second call finds the globals and does nothing. */
export function installWeriftGlobals(): void {
  if (typeof globalThis.RTCPeerConnection !== 'undefined') return;
  installPolyfill({
    mediaRegister: [],
    // werift skips loopback when gathering; the SFU may listen on 127.0.0.1 only.
    peerConnectionConfig: {
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceUseIpv6: false,
      // werift negotiates no header extension by default; the audio level one lets the SFU's
      // loudest-speaker ranking hear the peer (the clip player writes its level, ClipPlayer).
      headerExtensions: {
        audio: [new RTCRtpHeaderExtensionParameters({ id: AUDIO_LEVEL_EXTENSION_ID, uri: AUDIO_LEVEL_URI })],
        video: [],
      },
    },
  });
}
