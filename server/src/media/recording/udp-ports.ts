import { createSocket } from 'node:dgram';

const HOST = '127.0.0.1';

function bindUdp(port: number): Promise<{ port: number; close: () => void } | null> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(null);
    });
    socket.bind(port, HOST, () => resolve({ port: socket.address().port, close: () => socket.close() }));
  });
}

/**
 * A free pair (even RTP port, RTCP port + 1) on 127.0.0.1 for one capture process: the OS
 * picks a free port, its neighbour is checked too; both are released for the process to bind.
 */
export async function freeRtpPortPair(attempts = 20): Promise<number> {
  for (let i = 0; i < attempts; i++) {
    const first = await bindUdp(0);
    if (!first) continue;
    const rtp = first.port % 2 === 0 ? first.port : first.port + 1;
    const held = [first];
    const a = rtp === first.port ? first : await bindUdp(rtp);
    if (a && a !== first) held.push(a);
    const b = a ? await bindUdp(rtp + 1) : null;
    if (b) held.push(b);
    for (const h of held) h.close();
    if (a && b) return rtp;
  }
  throw new Error('capture: no free UDP port pair on 127.0.0.1');
}

/** Whether something (the capture process) has bound the UDP port. */
export async function udpPortBound(port: number): Promise<boolean> {
  const probe = await bindUdp(port);
  probe?.close();
  return probe === null;
}
