import { createServer, type AddressInfo } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A random 20-port RTC range, so servers started side by side rarely meet (the pool skips busy ports anyway). */
export function randomRtcPortRange(): { RTC_MIN_PORT: string; RTC_MAX_PORT: string } {
  const min = 42_000 + Math.floor(Math.random() * 700) * 20;
  return { RTC_MIN_PORT: String(min), RTC_MAX_PORT: String(min + 19) };
}
