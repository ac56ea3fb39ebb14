import type { AdminPeerStats, AdminProducerStats, AdminRoomStats, AdminTransportStats } from '@minimeet/shared';
import { useMemo, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { Spinner } from '../../ui/Spinner';
import { formatBitrate, formatPercent } from './adminFormat';
import { streamBitrates } from './adminHistory';
import { useAdminLiveStore } from './adminLiveStore';
import { roomCounts, roomWorkers } from './RoomsTable';
import { Sparkline } from './Sparkline';

type Bitrates = Map<string, Array<number | null>>;
interface ProducerInfo {
  producer: AdminProducerStats;
  owner: string;
}

function Score({ score }: { score: number }) {
  const level = score >= 8 ? 'good' : score >= 5 ? 'fair' : 'poor';
  return <span className={`score score--${level}`}>{score}/10</span>;
}

function BitrateCell({
  id,
  bps,
  history,
  testId,
}: {
  id: string;
  bps: number;
  history: Bitrates;
  testId: string;
}) {
  return (
    <td className="num" data-label="Bitrate" data-testid={testId} data-bps={bps}>
      <span className="bitrate-cell">
        <Sparkline values={history.get(id) ?? []} label={`Bitrate history, now ${formatBitrate(bps)}`} />
        <span>{formatBitrate(bps)}</span>
      </span>
    </td>
  );
}

function Paused({ paused }: { paused: boolean }) {
  return paused ? (
    <span className="badge badge--warning">Paused</span>
  ) : (
    <span className="badge badge--ok">Active</span>
  );
}

/** Columns holding text (left-aligned); every other column is a number. */
const TEXT_COLUMNS = new Set(['Codec', 'Path', 'Remote', 'Local']);

/** A transport's connection: ICE and DTLS state, green once both are up. */
function TransportState({ t }: { t: AdminTransportStats }) {
  const up = (t.iceState === 'connected' || t.iceState === 'completed') && t.dtlsState === 'connected';
  const failed = t.dtlsState === 'failed' || t.iceState === 'disconnected';
  const kind = up ? 'ok' : failed ? 'live' : 'warning';
  return (
    <span className={`badge badge--${kind}`} data-testid="transport-state">
      ICE {t.iceState} · DTLS {t.dtlsState}
    </span>
  );
}

/** One peer's transports, producers or consumers: first column, the given columns, State; or a line saying there are none. */
function StreamTable({
  title,
  empty,
  label,
  columns,
  first = 'Stream',
  children,
}: {
  title: string;
  empty: string;
  label: string;
  columns: string[];
  first?: string;
  children: ReactNode[];
}) {
  return (
    <>
      <h4 className="admin-peer__sub">{title}</h4>
      {children.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table data-table--compact" aria-label={label}>
            <thead>
              <tr>
                <th scope="col">{first}</th>
                {columns.map((name) => (
                  <th key={name} scope="col" className={TEXT_COLUMNS.has(name) ? undefined : 'num'}>
                    {name}
                  </th>
                ))}
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      )}
    </>
  );
}

function PeerCard({
  peer,
  producersById,
  history,
}: {
  peer: AdminPeerStats;
  producersById: Map<string, ProducerInfo>;
  history: Bitrates;
}) {
  const titleId = `admin-peer-${peer.userId}`;
  return (
    <section className="card admin-peer" aria-labelledby={titleId} data-user={peer.username}>
      <div className="card__head">
        <h3 id={titleId}>{peer.username}</h3>
        <span className="admin-peer__meta">
          {peer.transports} transport{peer.transports === 1 ? '' : 's'}
        </span>
      </div>
      {peer.transportStats && (
        <StreamTable
          title="Transports"
          empty="No transports."
          label={`Transports of ${peer.username}`}
          first="Transport"
          columns={['Path', 'Remote', 'Local', 'Available out', 'In', 'Out', 'Resent']}
        >
          {peer.transportStats.map((t) => (
            <tr key={t.id} data-transport-id={t.id} data-direction={t.direction}>
              <th scope="row">{t.direction}</th>
              <td data-label="Path">{t.tuple ? t.tuple.protocol.toUpperCase() : '—'}</td>
              <td data-label="Remote">{t.tuple ? `${t.tuple.remoteIp}:${t.tuple.remotePort}` : '—'}</td>
              <td data-label="Local">{t.tuple ? `${t.tuple.localIp}:${t.tuple.localPort}` : '—'}</td>
              <td className="num" data-label="Available out" data-testid="available-outgoing">
                {t.availableOutgoingBitrate === null ? '—' : formatBitrate(t.availableOutgoingBitrate)}
              </td>
              <td className="num" data-label="In">
                {formatBitrate(t.bitrateIn)}
              </td>
              <td className="num" data-label="Out">
                {formatBitrate(t.bitrateOut)}
              </td>
              <td className="num" data-label="Resent" data-testid="retransmit-out">
                {t.retransmitBitrateOut === undefined ? '—' : formatBitrate(t.retransmitBitrateOut)}
              </td>
              <td data-label="State">
                <TransportState t={t} />
              </td>
            </tr>
          ))}
        </StreamTable>
      )}
      <StreamTable
        title={`Sending (${peer.producers.length})`}
        empty="Sends nothing."
        label={`Producers of ${peer.username}`}
        columns={['Codec', 'Bitrate', 'Score', 'Packets']}
      >
        {peer.producers.map((p) => (
          <tr key={p.id} data-producer-id={p.id}>
            <th scope="row">
              {p.kind} · {p.source}
            </th>
            <td data-label="Codec">{p.codec}</td>
            <BitrateCell id={p.id} bps={p.bitrate} history={history} testId="producer-bitrate" />
            <td className="num" data-label="Score">
              <Score score={p.score} />
            </td>
            <td className="num" data-label="Packets">
              {p.packets.toLocaleString()}
            </td>
            <td data-label="State">
              <Paused paused={p.paused} />
            </td>
          </tr>
        ))}
      </StreamTable>
      <StreamTable
        title={`Receiving (${peer.consumers.length})`}
        empty="Receives nothing."
        label={`Consumers of ${peer.username}`}
        columns={['Codec', 'Bitrate', 'Score', 'Loss', 'Layer']}
      >
        {peer.consumers.map((c) => {
          const source = producersById.get(c.producerId);
          return (
            <tr key={c.id} data-consumer-id={c.id}>
              <th scope="row">
                {source ? `${source.owner}'s ${source.producer.source}` : c.kind}{' '}
                <span className="dim">({c.kind})</span>
              </th>
              <td data-label="Codec">{source?.producer.codec ?? '—'}</td>
              <BitrateCell id={c.id} bps={c.bitrate} history={history} testId="consumer-bitrate" />
              <td className="num" data-label="Score">
                <Score score={c.score} />
              </td>
              <td className="num" data-label="Loss">
                {formatPercent(c.packetLoss, 1)}
              </td>
              <td className="num" data-label="Layer">
                {c.spatialLayer ?? '—'}
              </td>
              <td data-label="State">
                <Paused paused={c.paused} />
              </td>
            </tr>
          );
        })}
      </StreamTable>
    </section>
  );
}

function RoomSummary({ room }: { room: AdminRoomStats }) {
  const { producers, consumers } = roomCounts(room);
  return (
    <dl className="admin-room__summary">
      <div>
        <dt>Peers</dt>
        <dd>{room.peers.length}</dd>
      </div>
      <div>
        <dt>Producers</dt>
        <dd>{producers}</dd>
      </div>
      <div>
        <dt>Consumers</dt>
        <dd>{consumers}</dd>
      </div>
      <div>
        <dt>In</dt>
        <dd>{formatBitrate(room.bitrateIn)}</dd>
      </div>
      <div>
        <dt>Out</dt>
        <dd>{formatBitrate(room.bitrateOut)}</dd>
      </div>
      <div>
        <dt title="Worker pid (peers homed there) of each of the room's routers">Workers</dt>
        <dd>{roomWorkers(room)}</dd>
      </div>
      {room.nodes && (
        <div>
          <dt>Nodes</dt>
          <dd>{room.nodes.join(', ')}</dd>
        </div>
      )}
    </dl>
  );
}

/** /admin/rooms/:roomId — every peer's producers and consumers, live. */
export function RoomDetail() {
  const { roomId } = useParams();
  const id = Number(roomId);
  const latest = useAdminLiveStore((s) => s.latest);
  const history = useAdminLiveStore((s) => s.history);
  const bitrates = useMemo(() => streamBitrates(history), [history]);
  const room = latest?.rooms.find((r) => r.id === id) ?? null;
  const producersById = useMemo(() => {
    const map = new Map<string, ProducerInfo>();
    for (const peer of room?.peers ?? [])
      for (const producer of peer.producers) map.set(producer.id, { producer, owner: peer.username });
    return map;
  }, [room]);

  const back = (
    <Link className="btn btn--ghost btn--small admin-room__back" to="/admin">
      ← All rooms
    </Link>
  );
  if (!latest) {
    return (
      <div className="admin-room">
        {back}
        <p className="empty">
          <Spinner label="Waiting for statistics" /> Waiting for statistics…
        </p>
      </div>
    );
  }
  if (!room) {
    return (
      <div className="admin-room">
        {back}
        <section className="card">
          <h2>No live call</h2>
          <p className="empty">
            Room {Number.isInteger(id) ? `#${id}` : roomId} has no media on the server right now (the call may
            have ended).
          </p>
        </section>
      </div>
    );
  }
  return (
    <div className="admin-room">
      {back}
      <section className="card admin-section" aria-labelledby="admin-room-title">
        <h2 id="admin-room-title">{room.name}</h2>
        <RoomSummary room={room} />
      </section>
      {room.peers.map((peer) => (
        <PeerCard key={peer.userId} peer={peer} producersById={producersById} history={bitrates} />
      ))}
    </div>
  );
}
