import type { AdminStatsSnapshot } from '@minimeet/shared';
import { formatBytes, formatDuration, formatPercent } from './adminFormat';

/** The server process and each mediasoup worker: alive, CPU, memory, routers. */
export function ProcessesTable({ snapshot }: { snapshot: AdminStatsSnapshot }) {
  const { server, workers } = snapshot;
  return (
    <div className="table-wrap">
      <table className="data-table data-table--compact" aria-label="Processes">
        <thead>
          <tr>
            <th scope="col">Process</th>
            <th scope="col">State</th>
            <th scope="col" className="num">CPU</th>
            <th scope="col" className="num">Memory</th>
            <th scope="col" className="num">Routers</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Server {server.pid}</th>
            <td data-label="State">up {formatDuration(server.uptimeSeconds * 1000)}</td>
            <td className="num" data-label="CPU">{formatPercent(server.cpuPercent)}</td>
            <td className="num" data-label="Memory">{formatBytes(server.rssBytes)}</td>
            <td className="num" data-label="Routers">—</td>
          </tr>
          {workers.map((w) => (
            <tr key={w.pid} data-worker-pid={w.pid}>
              <th scope="row">Worker {w.pid}</th>
              <td data-label="State">{w.alive ? <span className="badge badge--ok">Alive</span> : <span className="badge badge--live">Dead</span>}</td>
              <td className="num" data-label="CPU">{formatPercent(w.cpuPercent)}</td>
              <td className="num" data-label="Memory">{formatBytes(w.rssBytes)}</td>
              <td className="num" data-label="Routers">{w.routers}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
