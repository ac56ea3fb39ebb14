// Source fixes the worker needs when built against Debian's OpenSSL 3.0.
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

export function patchWorkerSources(workerDir) {
  for (const fix of [DTLS_BIO_CALLBACK]) {
    const file = path.join(workerDir, fix.file);
    const text = readFileSync(file, 'utf8');
    if (!text.includes(fix.from)) throw new Error(`source patch: expected code not found in ${fix.file}`);
    writeFileSync(file, text.replace(fix.from, fix.to));
  }
}
