/**
 * The link conditions of the network benchmark, applied to the receiving browser's test host.
 * Loss comes from nft (random drops of UDP, both directions), caps from tc tbf on its downlink.
 * There is no delay condition: the kernel this was built on has no netem (see netemNote).
 */
import type { TestHost } from '@minimeet/test-hosts';

export type Impairment =
  | { kind: 'none' }
  | { kind: 'loss'; percent: number }
  | { kind: 'downlink'; kbit: number };

export interface NetworkCondition {
  name: string;
  impairment: Impairment;
}

export const NETWORK_CONDITIONS: NetworkCondition[] = [
  { name: 'clean', impairment: { kind: 'none' } },
  { name: '2 % loss', impairment: { kind: 'loss', percent: 2 } },
  { name: '5 % loss', impairment: { kind: 'loss', percent: 5 } },
  { name: '10 % loss', impairment: { kind: 'loss', percent: 10 } },
  { name: '300 kbit/s down', impairment: { kind: 'downlink', kbit: 300 } },
  { name: '1 Mbit/s down', impairment: { kind: 'downlink', kbit: 1000 } },
];

export async function applyImpairment(host: TestHost, impairment: Impairment): Promise<void> {
  if (impairment.kind === 'loss') await host.dropUdpShare(impairment.percent);
  else if (impairment.kind === 'downlink') await host.capDownlink(impairment.kbit);
}

export async function liftImpairments(host: TestHost): Promise<void> {
  await host.clearFilters();
  await host.uncap();
}

/** Whether the kernel offers netem (added delay), probed on a scratch host; and what that means. */
export async function netemNote(host: TestHost): Promise<{ netem: boolean; note: string }> {
  try {
    await host.exec('tc', ['qdisc', 'replace', 'dev', 'eth0', 'root', 'netem', 'delay', '10ms']);
    await host.exec('tc', ['qdisc', 'del', 'dev', 'eth0', 'root']);
    return { netem: true, note: 'netem is available but no delay (RTT) condition is measured yet' };
  } catch {
    return {
      netem: false,
      note: 'no delay (RTT) condition: this kernel has no netem (sch_netem); loss is nft, caps are tc tbf',
    };
  }
}
