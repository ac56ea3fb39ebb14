import type { AdminNodeStats } from '@minimeet/shared';
import { formatDuration } from './adminFormat';

/** The cluster's server nodes: alive, draining (stopping) or of an incompatible protocol, load and rooms at their last heartbeat. */
export function NodesTable({ nodes, now }: { nodes: AdminNodeStats[]; now: number }) {
  if (!nodes.length) return null;
  return (
    <div className="table-wrap">
      <table className="data-table data-table--compact" aria-label="Nodes">
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col">Pipe address</th>
            <th scope="col">State</th>
            <th scope="col" className="num">Load</th>
            <th scope="col" className="num">Rooms</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.id} data-node-id={n.id}>
              <th scope="row">
                {n.id}
                {n.self ? ' (this node)' : ''}
              </th>
              <td data-label="Pipe address">{n.pipeAddress}</td>
              <td data-label="State">
                {n.compatible === false ? (
                  <span className="badge badge--live" title="This node does not work with it: run one release across the cluster">
                    Incompatible protocol {n.protocolVersion || 'none'}
                  </span>
                ) : n.alive && n.draining ? (
                  <span className="badge badge--live" title="Stopping: takes no new joins; its clients are moving to other nodes">
                    Draining
                  </span>
                ) : n.alive ? (
                  <span className="badge badge--ok">Alive, up {formatDuration(Math.max(0, now - Date.parse(n.startedAt)))}</span>
                ) : (
                  <span className="badge badge--live">Down</span>
                )}
              </td>
              <td className="num" data-label="Load">{n.load}</td>
              <td className="num" data-label="Rooms">{n.rooms}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
