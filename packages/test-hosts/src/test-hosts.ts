/**
 * The project's own test hosts: Linux network namespaces joined by a bridge, each with a veth
 * link and its own address (10.77.N.x/24), so a server and its clients talk over real links that
 * a test can impair (nft: block or drop a share of packets; tc tbf: cap a rate) without touching
 * the machine's own network. Needs root and iproute2 (+ nftables for filters). Every name carries
 * a random run id (and the creating pid), so runs side by side don't meet; everything is removed
 * by destroy(), on process exit, and leftovers of dead runs are removed by the next create().
 *
 * The creating process (the test runner) sits on the bridge at 10.77.N.1 and reaches every host.
 * Inside a host, 127.0.0.1 is that host's own loopback.
 */
import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PREFIX = 'mmt';

/** Why test hosts can't be made here, or undefined when they can. */
export function testHostsUnavailable(needs: Array<'nft' | 'tc'> = []): string | undefined {
  if (process.platform !== 'linux')
    return `test hosts need Linux network namespaces (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'test hosts need root (network namespaces, veth, bridge)';
  const tools: Record<string, string> = { ip: 'iproute2', nft: 'nftables', tc: 'iproute2' };
  for (const tool of ['ip', ...needs]) {
    if (!which(tool)) return `test hosts need \`${tool}\` (Debian package ${tools[tool]})`;
  }
  try {
    const probe = `${PREFIX}-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe' });
  } catch (err) {
    return `cannot create a network namespace: ${firstLine(err)}`;
  }
  return undefined;
}

export function which(tool: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin'])) {
    if (dir && existsSync(`${dir}/${tool}`)) return `${dir}/${tool}`;
  }
  return undefined;
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: Buffer | string; message?: string };
  return (
    String(e.stderr || e.message || err)
      .trim()
      .split('\n')[0] ?? ''
  );
}

export interface TestHost {
  name: string;
  /** The namespace (`ip netns exec <netns> …`). */
  netns: string;
  /** This host's address on the test network. */
  address: string;
  /** Starts `command` inside this host (killed by destroy() if still running). */
  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Runs a command inside this host and returns its stdout. */
  exec(command: string, args: string[]): Promise<string>;
  /** Prefix that runs a command inside this host: [`ip`, `netns`, `exec`, netns]. */
  launcher(): string[];
  /**
   * Path of an executable script that runs `program` inside this host with the arguments it is
   * given, for tools that take an executable path rather than a command prefix (Playwright's
   * `executablePath`: it drives the browser over inherited pipes, which cross namespaces).
   * Removed with the network.
   */
  executableFor(program: string): string;
  /** Adds nft rules (each one `add rule`'s tail) to this host's own filter for packets it sends. */
  dropOutgoing(...rules: string[]): Promise<void>;
  /** Drops every UDP packet between this host and `peer` (both directions). */
  blockUdpWith(peer: string): Promise<void>;
  /** Drops `percent` % of this host's UDP packets in both directions (random). */
  dropUdpShare(percent: number): Promise<void>;
  /** Caps what this host receives (bridge → host) to `kbit` kbit/s (tc tbf). */
  capDownlink(kbit: number): Promise<void>;
  /** Caps what this host sends to `kbit` kbit/s (tc tbf on its own link). */
  capUplink(kbit: number): Promise<void>;
  /** Lifts both caps. */
  uncap(): Promise<void>;
  /** Removes every nft rule added by dropOutgoing / blockUdpWith / dropUdpShare. */
  clearFilters(): Promise<void>;
}

interface HostState extends TestHost {
  bridgeSide: string;
  filterReady: boolean;
}

const live = new Set<TestNetwork>();
let exitHookInstalled = false;

export class TestNetwork {
  readonly hosts = new Map<string, TestHost>();
  private readonly children = new Set<ChildProcess>();
  private scriptDir: string | undefined;
  private destroyed = false;

  private constructor(
    readonly id: string,
    readonly bridge: string,
    /** The test runner's own address on the bridge. */
    readonly gateway: string,
  ) {}

  /**
   * Makes the bridge and one namespace per name (addresses .10, .11, … in name order), on a free
   * 10.77.N.0/24 with N in `subnets` (default 1-254).
   */
  static async create(
    names: string[],
    options: { subnets?: { min: number; max: number } } = {},
  ): Promise<TestNetwork> {
    removeLeftovers();
    const id = randomBytes(3).toString('hex');
    const subnet = await freeSubnet(options.subnets);
    const net = new TestNetwork(id, `${PREFIX}${id}`, `${subnet}.1`);
    live.add(net);
    installExitHook();
    try {
      await ip('link', 'add', net.bridge, 'type', 'bridge');
      await ip('addr', 'add', `${net.gateway}/24`, 'dev', net.bridge);
      await ip('link', 'set', net.bridge, 'up');
      for (const [i, name] of names.entries()) {
        if (!/^[a-z][a-z0-9]{0,7}$/.test(name)) throw new Error(`test host name "${name}": 1-8 of [a-z0-9]`);
        const netns = `${PREFIX}-${process.pid}-${id}-${name}`;
        const bridgeSide = `${net.bridge}v${i}`;
        const inner = `${net.bridge}i${i}`;
        const address = `${subnet}.${10 + i}`;
        await ip('netns', 'add', netns);
        await ip('link', 'add', bridgeSide, 'type', 'veth', 'peer', 'name', inner);
        await ip('link', 'set', inner, 'netns', netns);
        await ip('link', 'set', bridgeSide, 'master', net.bridge);
        await ip('link', 'set', bridgeSide, 'up');
        await ip('-n', netns, 'link', 'set', inner, 'name', 'eth0');
        await ip('-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
        await ip('-n', netns, 'link', 'set', 'eth0', 'up');
        await ip('-n', netns, 'link', 'set', 'lo', 'up');
        net.hosts.set(name, net.makeHost(name, netns, address, bridgeSide));
      }
    } catch (err) {
      await net.destroy();
      throw err;
    }
    return net;
  }

  host(name: string): TestHost {
    const h = this.hosts.get(name);
    if (!h) throw new Error(`no test host "${name}"`);
    return h;
  }

  /** Kills what runs inside, deletes the namespaces and the bridge. Idempotent. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    live.delete(this);
    await Promise.all([...this.children].map((c) => killAndWait(c)));
    this.destroySync();
  }

  /** Synchronous removal (also used from process 'exit'). */
  destroySync(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const h of this.hosts.values()) quietSync('ip', ['netns', 'del', h.netns]);
    quietSync('ip', ['link', 'del', this.bridge]);
    if (this.scriptDir) rmSync(this.scriptDir, { recursive: true, force: true });
  }

  private writeScript(name: string, body: string): string {
    this.scriptDir ??= mkdtempSync(path.join(tmpdir(), `${PREFIX}-${this.id}-`));
    const file = path.join(this.scriptDir, name);
    writeFileSync(file, body);
    chmodSync(file, 0o755);
    return file;
  }

  private makeHost(name: string, netns: string, address: string, bridgeSide: string): TestHost {
    const launcher = () => ['ip', 'netns', 'exec', netns];
    const nsExec = async (command: string, args: string[], input?: string) => {
      const child = execFile('ip', ['netns', 'exec', netns, command, ...args]);
      if (input !== undefined) child.stdin!.end(input);
      let out = '';
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      if (code !== 0) throw new Error(`[${name}] ${command} ${args.join(' ')}: exit ${code}: ${err.trim()}`);
      return out;
    };
    const host: HostState = {
      name,
      netns,
      address,
      bridgeSide,
      filterReady: false,
      launcher,
      spawn: (command, args, options = {}) => {
        const child = spawn('ip', ['netns', 'exec', netns, command, ...args], options);
        this.children.add(child);
        child.once('close', () => this.children.delete(child));
        return child;
      },
      exec: (command, args) => nsExec(command, args),
      executableFor: (program) =>
        this.writeScript(
          `${name}-${path.basename(program)}`,
          `#!/bin/sh\nexec ip netns exec '${netns}' '${program.replace(/'/g, `'\\''`)}' "$@"\n`,
        ),
      dropOutgoing: async (...rules) => {
        // One table per host namespace (the namespace is ours alone): filters see only its packets.
        const setup = host.filterReady
          ? ''
          : 'add table inet testhosts\n' +
            'add chain inet testhosts out { type filter hook output priority 0; policy accept; }\n' +
            'add chain inet testhosts in { type filter hook input priority 0; policy accept; }\n';
        host.filterReady = true;
        await nsExec(
          'nft',
          ['-f', '-'],
          setup + rules.map((r) => `add rule inet testhosts out ${r}\n`).join(''),
        );
      },
      blockUdpWith: async (peer) => {
        await host.dropOutgoing(`ip daddr ${peer} meta l4proto udp drop`);
        await nsExec('nft', [
          'add',
          'rule',
          'inet',
          'testhosts',
          'in',
          'ip',
          'saddr',
          peer,
          'meta',
          'l4proto',
          'udp',
          'drop',
        ]);
      },
      dropUdpShare: async (percent) => {
        const n = Math.round(percent);
        await host.dropOutgoing(`meta l4proto udp numgen random mod 100 < ${n} drop`);
        await nsExec('nft', [
          'add',
          'rule',
          'inet',
          'testhosts',
          'in',
          'meta',
          'l4proto',
          'udp',
          'numgen',
          'random',
          'mod',
          '100',
          '<',
          String(n),
          'drop',
        ]);
      },
      capDownlink: (kbit) => tbf(['tc'], bridgeSide, kbit),
      capUplink: (kbit) => tbf(launcher().concat('tc'), 'eth0', kbit),
      clearFilters: async () => {
        if (!host.filterReady) return;
        await nsExec('nft', ['delete', 'table', 'inet', 'testhosts']);
        host.filterReady = false;
      },
      uncap: async () => {
        await run('tc', ['qdisc', 'del', 'dev', bridgeSide, 'root']).catch(() => undefined);
        await nsExec('tc', ['qdisc', 'del', 'dev', 'eth0', 'root']).catch(() => undefined);
      },
    };
    return host;
  }
}

async function tbf(tc: string[], dev: string, kbit: number): Promise<void> {
  // burst ≥ rate/HZ and a queue of ~100 ms at the rate: a cap, not a black hole.
  const burstBytes = Math.max(4096, Math.round((kbit * 1000) / 8 / 50));
  const limitBytes = Math.max(8192, Math.round((kbit * 1000) / 8 / 10));
  const [cmd, ...pre] = tc;
  await run(cmd!, [
    ...pre,
    'qdisc',
    'replace',
    'dev',
    dev,
    'root',
    'tbf',
    'rate',
    `${kbit}kbit`,
    'burst',
    String(burstBytes),
    'limit',
    String(limitBytes),
  ]);
}

async function ip(...args: string[]): Promise<void> {
  try {
    await run('ip', args);
  } catch (err) {
    throw new Error(`ip ${args.join(' ')}: ${firstLine(err)}`, { cause: err });
  }
}

function quietSync(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('close', () => (clearTimeout(timer), resolve()));
    child.kill('SIGTERM');
  });
}

/**
 * The N range test hosts take their 10.77.N.0/24 from: TEST_HOSTS_SUBNETS="200-220" keeps a run
 * inside its own share (runs on one machine that must never race for the same N), default 1-254.
 */
export function subnetRange(spec = process.env.TEST_HOSTS_SUBNETS): [number, number] {
  if (!spec) return [1, 254];
  const m = /^(\d{1,3})-(\d{1,3})$/.exec(spec.trim());
  const [from, to] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(from >= 1 && to <= 254 && from <= to))
    throw new Error(`TEST_HOSTS_SUBNETS must be "FROM-TO" within 1-254 (got "${spec}")`);
  return [from, to];
}

/**
 * A 10.77.N.0/24 no interface of this machine uses yet (other runs may hold some), N in `range`
 * when given, else in TEST_HOSTS_SUBNETS.
 */
async function freeSubnet(range?: { min: number; max: number }): Promise<string> {
  const { stdout } = await run('ip', ['-4', '-o', 'addr', 'show']);
  const [from, to] = range ? [range.min, range.max] : subnetRange();
  for (let attempt = 0; attempt < 50; attempt++) {
    const subnet = `10.77.${from + Math.floor(Math.random() * (to - from + 1))}`;
    if (!stdout.includes(` ${subnet}.`)) return subnet;
  }
  throw new Error(`no free 10.77.N.0/24 subnet (N in ${from}-${to}) for test hosts`);
}

/** Namespaces (and their bridge) left by a run whose process is gone (killed without cleanup). */
function removeLeftovers(): void {
  let list: string;
  try {
    list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  } catch {
    return;
  }
  for (const line of list.split('\n')) {
    const m = new RegExp(`^(${PREFIX}-(\\d+)-([0-9a-f]{6})-[a-z0-9]+)`).exec(line);
    if (!m || pidAlive(Number(m[2]))) continue;
    quietSync('ip', ['netns', 'del', m[1]!]);
    quietSync('ip', ['link', 'del', `${PREFIX}${m[3]}`]);
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const net of live) net.destroySync();
  });
}
