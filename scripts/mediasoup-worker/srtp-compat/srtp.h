/*
 * MiniMeet: libsrtp3 -> libsrtp2 API adapter for the mediasoup worker.
 *
 * mediasoup 3.19 is written against its libsrtp3 fork, which Debian does not
 * ship. Debian ships libsrtp2 2.5. The two differ only in the calls below:
 * libsrtp3 protects out-of-place with size_t lengths, libsrtp2 in place with
 * int lengths. This header is found first as <srtp.h> (the build puts its
 * folder on the include path), includes the real libsrtp2 header and adds
 * C++ overloads with the libsrtp3 signatures. Overloads (not macros) keep the
 * libsrtp2 functions callable under their own names.
 */
#ifndef MINIMEET_SRTP_COMPAT_H
#define MINIMEET_SRTP_COMPAT_H

#include <srtp2/srtp.h>

#ifdef __cplusplus
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

// Error codes libsrtp3 has and libsrtp2 lacks; values past libsrtp2's last one.
static constexpr srtp_err_status_t srtp_err_status_buffer_small =
  static_cast<srtp_err_status_t>(static_cast<int>(srtp_err_status_pkt_idx_adv) + 1);
static constexpr srtp_err_status_t srtp_err_status_cryptex_err =
  static_cast<srtp_err_status_t>(static_cast<int>(srtp_err_status_pkt_idx_adv) + 2);

namespace minimeet_srtp_compat
{
	// Copies `in` to `out` (when they differ) and runs the in-place libsrtp2 call.
	// `trailer` is the most the call may append; `out_len` holds out's capacity on
	// entry and the resulting length on success.
	template<typename InPlaceFn>
	inline srtp_err_status_t RunInPlace(
	  InPlaceFn fn, srtp_t ctx, const uint8_t* in, size_t in_len, uint8_t* out, size_t* out_len, size_t trailer)
	{
		if (in == nullptr || out == nullptr || out_len == nullptr)
			return srtp_err_status_bad_param;
		if (in_len > static_cast<size_t>(INT_MAX) - trailer || *out_len < in_len + trailer)
			return srtp_err_status_buffer_small;
		if (out != in)
			std::memmove(out, in, in_len);

		int len = static_cast<int>(in_len);
		const srtp_err_status_t err = fn(ctx, out, &len);

		if (err == srtp_err_status_ok)
			*out_len = static_cast<size_t>(len);

		return err;
	}
} // namespace minimeet_srtp_compat

// mediasoup passes no MKI (mki_index is always 0), so it is not forwarded.
inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtp_len, uint8_t* srtp, size_t* srtp_len, size_t /*mki_index*/)
{
	return minimeet_srtp_compat::RunInPlace(
	  [](srtp_t c, uint8_t* b, int* l) { return srtp_protect(c, b, l); },
	  ctx, rtp, rtp_len, srtp, srtp_len, SRTP_MAX_TRAILER_LEN);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcp_len, uint8_t* srtcp, size_t* srtcp_len, size_t /*mki_index*/)
{
	// SRTCP appends the 4-byte E flag + index on top of the auth tag.
	return minimeet_srtp_compat::RunInPlace(
	  [](srtp_t c, uint8_t* b, int* l) { return srtp_protect_rtcp(c, b, l); },
	  ctx, rtcp, rtcp_len, srtcp, srtcp_len, SRTP_MAX_TRAILER_LEN + 4);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtp_len, uint8_t* rtp, size_t* rtp_len)
{
	return minimeet_srtp_compat::RunInPlace(
	  [](srtp_t c, uint8_t* b, int* l) { return srtp_unprotect(c, b, l); },
	  ctx, srtp, srtp_len, rtp, rtp_len, 0);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcp_len, uint8_t* rtcp, size_t* rtcp_len)
{
	return minimeet_srtp_compat::RunInPlace(
	  [](srtp_t c, uint8_t* b, int* l) { return srtp_unprotect_rtcp(c, b, l); },
	  ctx, srtcp, srtcp_len, rtcp, rtcp_len, 0);
}

inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}
#endif /* __cplusplus */

#endif /* MINIMEET_SRTP_COMPAT_H */
