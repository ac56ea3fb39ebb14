// Source fixes applied to the worker before it is built: one the worker needs against Debian's
// OpenSSL 3.0, one for thin downlinks (retransmissions bounded by the outgoing estimate).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * DtlsTransport's BIO callback answers 1 to every query unless the operation is
 * exactly BIO_CB_RETURN. OpenSSL 3 also asks "is kTLS send offload on?"
 * (BIO_CTRL_GET_KTLS_SEND with BIO_CB_RETURN|BIO_CB_CTRL); Debian's libssl is built
 * with kTLS, takes the 1 as "yes", never allocates its write buffer and the worker
 * crashes on the first DTLS packet of any WebRtcTransport. Testing the flag bit
 * passes OpenSSL's real answer through for every "return" callback.
 */
const DTLS_BIO_CALLBACK = {
  file: path.join('src', 'RTC', 'DtlsTransport.cpp'),
  from: '(operationType == BIO_CB_RETURN) ? static_cast<long>(ret) : 1;',
  to: '(operationType & BIO_CB_RETURN) ? static_cast<long>(ret) : 1;',
};

/**
 * mediasoup forwards media unpaced and answers every NACK with a retransmission, once per RTT per
 * packet, whatever the link can carry. When a receiver's downlink narrows (300 kbit/s under a
 * ~500 kbit/s layer), the link drops packets, the receiver asks for them again and again, and the
 * retransmissions (measured: 1.5–1.8 Mbit/s for about 3 s) flood the link until after the layer
 * switch — the receiver's audio lost 2–6 % of its packets meanwhile. libwebrtc bounds a
 * sender's retransmissions by its target bitrate (RateLimiter over 1 s, then its pacer); here,
 * with no pacer behind them, retransmissions over the last second stay within a quarter of the
 * transport's outgoing estimate (transports with transport-cc; others are unchanged). A
 * retransmission over the budget is not sent, as if lost again: the receiver asks once more or
 * gives up on that packet and requests a key frame. Losses on a link with room (5 % random loss
 * under a 1 Mbit/s estimate needs ~30 kbit/s of resends) stay well within the budget.
 */
const RETRANSMISSION_BUDGET = {
  file: path.join('src', 'RTC', 'Transport.cpp'),
  from: `void Transport::OnConsumerRetransmitRtpPacket(RTC::Consumer* consumer, RTC::RTP::Packet* packet)
	{
		MS_TRACE();
`,
  to: `void Transport::OnConsumerRetransmitRtpPacket(RTC::Consumer* consumer, RTC::RTP::Packet* packet)
	{
		MS_TRACE();

		// MiniMeet: retransmissions within a quarter of the outgoing estimate (see patch-sources.mjs).
		if (this->tccClient && this->tccClient->GetBweType() == RTC::BweType::TRANSPORT_CC)
		{
			const uint64_t budgetBps = this->tccClient->GetAvailableBitrate() / 4u;
			const uint64_t sentBps   = this->sendRtxTransmission.GetBitrate(DepLibUV::GetTimeMs());

			if (sentBps + packet->GetLength() * 8u > budgetBps)
			{
				return;
			}
		}
`,
};

const WORKER_SOURCE_FIXES = [DTLS_BIO_CALLBACK, RETRANSMISSION_BUDGET];

export function patchWorkerSources(workerDir) {
  for (const fix of WORKER_SOURCE_FIXES) {
    const file = path.join(workerDir, fix.file);
    const text = readFileSync(file, 'utf8');
    if (text.split(fix.from).length !== 2)
      throw new Error(`source patch: expected code not found once in ${fix.file}`);
    writeFileSync(file, text.replace(fix.from, fix.to));
  }
}
