/** Which ICE path a transport uses now, read from its getStats() report. */

export interface IcePath {
  localType: string;
  protocol: string;
  remoteAddress: string;
  remotePort: number;
}

type StatsEntry = Record<string, unknown> & { id: string; type: string };

/** The selected candidate pair's local candidate type (host / srflx / relay) and protocol; undefined until one is selected. */
export function selectedPath(report: RTCStatsReport): IcePath | undefined {
  const byId = new Map<string, StatsEntry>();
  report.forEach((s: StatsEntry) => byId.set(s.id, s));
  const entries = [...byId.values()];
  const viaTransport = entries.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
  const pair =
    (viaTransport && byId.get(String(viaTransport.selectedCandidatePairId))) ||
    entries.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  if (!pair) return undefined;
  const local = byId.get(String(pair.localCandidateId));
  const remote = byId.get(String(pair.remoteCandidateId));
  if (!local || !remote) return undefined;
  return {
    localType: String(local.candidateType),
    protocol: String(local.protocol),
    remoteAddress: String(remote.address),
    remotePort: Number(remote.port),
  };
}

interface StatsSource {
  direction: 'send' | 'recv';
  getStats(): Promise<RTCStatsReport>;
}

export async function selectedIcePaths(
  transports: Array<StatsSource | null | undefined>,
): Promise<Array<{ direction: 'send' | 'recv'; path: IcePath | undefined }>> {
  const out: Array<{ direction: 'send' | 'recv'; path: IcePath | undefined }> = [];
  for (const t of transports)
    if (t) out.push({ direction: t.direction, path: selectedPath(await t.getStats()) });
  return out;
}
