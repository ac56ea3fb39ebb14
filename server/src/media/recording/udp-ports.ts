import { createSocket } from 'node:dgram';
import { readdir, readFile, readlink } from 'node:fs/promises';

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

/**
 * Whether the process `pid` has bound the UDP port. Read from the kernel's tables where there are
 * some (Linux): probing by binding the port ourselves could, at the wrong moment, make the
 * process's own bind fail, and another process (a mediasoup worker picks ports from an overlapping
 * range) may have taken the port meanwhile. Elsewhere: whether anything has bound it.
 */
export async function udpPortBoundBy(pid: number | undefined, port: number): Promise<boolean> {
  const inodes = pid === undefined ? undefined : await socketInodesOnPort(port);
  if (inodes === undefined) {
    const probe = await bindUdp(port);
    probe?.close();
    return probe === null;
  }
  if (inodes.size === 0) return false;
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  for (const fd of fds) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode && inodes.has(inode)) return true;
  }
  return false;
}

/** Inodes of the UDP sockets bound to `port`, from /proc/net/udp{,6}; undefined where unreadable. */
async function socketInodesOnPort(port: number): Promise<Set<string> | undefined> {
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  let readAny = false;
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    const text = await readFile(table, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    readAny = true;
    // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(hexPort) && cols[9]) inodes.add(cols[9]);
    }
  }
  return readAny ? inodes : undefined;
}
