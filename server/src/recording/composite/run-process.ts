import { spawn } from 'node:child_process';

/** How much of a failed tool's stderr an error carries. */
const STDERR_TAIL_CHARS = 4000;
/** After SIGTERM on abort, the tool gets this long to exit before SIGKILL. */
const KILL_GRACE_MS = 2000;

export interface ProcessOutput {
  stdout: string;
  /** The last STDERR_TAIL_CHARS characters. */
  stderrTail: string;
}

/** A media tool (ffmpeg / ffprobe) that could not run, exited non-zero, or was aborted. */
export class MediaToolError extends Error {
  constructor(
    readonly code: 'MEDIA_TOOL_MISSING' | 'MEDIA_TOOL_FAILED' | 'MEDIA_TOOL_ABORTED' | 'MEDIA_TOOL_TIMEOUT',
    message: string,
    readonly stderrTail = '',
  ) {
    super(stderrTail ? `${message}: ${stderrTail}` : message);
    this.name = 'MediaToolError';
  }
}

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Called with the child's pid once it runs (the benchmark reads /proc of it). */
  onSpawn?: (pid: number) => void;
}

/**
 * Runs a tool to completion and resolves with its output. Abort and timeout end the child
 * (SIGTERM, then SIGKILL) and reject only once it has exited, so no process outlives the call.
 */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessOutput> {
  const { signal, timeoutMs } = options;
  if (signal?.aborted) return Promise.reject(new MediaToolError('MEDIA_TOOL_ABORTED', `${command} aborted`));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopReason: 'MEDIA_TOOL_ABORTED' | 'MEDIA_TOOL_TIMEOUT' | null = null;
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr = (stderr + d).slice(-STDERR_TAIL_CHARS);
    });
    const stop = (reason: 'MEDIA_TOOL_ABORTED' | 'MEDIA_TOOL_TIMEOUT') => {
      if (stopReason || child.exitCode !== null) return;
      stopReason = reason;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    };
    const onAbort = () => stop('MEDIA_TOOL_ABORTED');
    signal?.addEventListener('abort', onAbort, { once: true });
    const timeout = timeoutMs ? setTimeout(() => stop('MEDIA_TOOL_TIMEOUT'), timeoutMs) : undefined;
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const cleanup = () => {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(timeout);
      clearTimeout(killTimer);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      cleanup();
      reject(
        err.code === 'ENOENT'
          ? new MediaToolError('MEDIA_TOOL_MISSING', `${command} not found (install the Debian package ffmpeg)`)
          : new MediaToolError('MEDIA_TOOL_FAILED', `${command} could not run: ${err.message}`),
      );
    });
    child.on('close', (code, sig) => {
      cleanup();
      const tail = stderr.trim();
      if (stopReason === 'MEDIA_TOOL_ABORTED') reject(new MediaToolError(stopReason, `${command} aborted`));
      else if (stopReason === 'MEDIA_TOOL_TIMEOUT') reject(new MediaToolError(stopReason, `${command} timed out`, tail));
      else if (code === 0) resolve({ stdout, stderrTail: tail });
      else reject(new MediaToolError('MEDIA_TOOL_FAILED', `${command} exited with ${code ?? sig}`, tail));
    });
  });
}
