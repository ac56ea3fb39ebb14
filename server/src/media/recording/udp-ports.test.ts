import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { freeRtpPortPair, udpPortBoundBy } from './udp-ports.js';

/** A child process that binds 127.0.0.1:port (UDP) and says so. */
async function bindingChild(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-e', `require('node:dgram').createSocket('udp4').bind(${port}, '127.0.0.1', () => console.log('bound'))`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
  });
  return child;
}

describe('udpPortBoundBy (capture process binding its RTP port)', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) c.kill('SIGKILL');
  });

  it('is true only once that process has bound the port, not when another process holds it', async () => {
    const port = await freeRtpPortPair();
    expect(await udpPortBoundBy(process.pid, port)).toBe(false);

    const child = await bindingChild(port);
    children.push(child);
    expect(await udpPortBoundBy(child.pid, port)).toBe(true);
    // Held by the child: this process has not bound it.
    expect(await udpPortBoundBy(process.pid, port)).toBe(false);
  });

  it('never binds the port itself while checking (the process may bind it at that moment)', async () => {
    const port = await freeRtpPortPair();
    const check = udpPortBoundBy(process.pid, port);
    // Binding right away must succeed: the check holds nothing.
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    await check;
    expect(await udpPortBoundBy(process.pid, port)).toBe(true);
    socket.close();
  });
});
