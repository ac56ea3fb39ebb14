import type { AdminRoomStats } from '@minimeet/shared';
import { Link, useNavigate } from 'react-router';
import { formatBitrate } from './adminFormat';

export function roomCounts(room: AdminRoomStats): { producers: number; consumers: number } {
  let producers = 0;
  let consumers = 0;
  for (const p of room.peers) {
    producers += p.producers.length;
    consumers += p.consumers.length;
  }
  return { producers, consumers };
}

/** The workers a room's routers run on, with the peers homed on each: "4242 (3), 4243 (1)". */
export function roomWorkers(room: AdminRoomStats): string {
  if (!room.routers?.length) return String(room.workerPid);
  return room.routers.map((r) => `${r.workerPid} (${r.peers})`).join(', ');
}

const busiestFirst = (a: AdminRoomStats, b: AdminRoomStats) => b.peers.length - a.peers.length || a.name.localeCompare(b.name);

/** Rooms with media on the SFU right now; a row opens the room's drill-down. */
export function RoomsTable({ rooms }: { rooms: AdminRoomStats[] }) {
  const navigate = useNavigate();
  return (
    <section className="card admin-section" aria-labelledby="admin-rooms-title">
      <h2 id="admin-rooms-title">Active rooms</h2>
      {rooms.length === 0 ? (
        <p className="empty">No room has media on the server right now.</p>
      ) : (
        <div className="table-wrap">
          <table className="data-table" aria-labelledby="admin-rooms-title">
            <thead>
              <tr>
                <th scope="col">Room</th>
                <th scope="col" className="num">Peers</th>
                <th scope="col" className="num">Producers</th>
                <th scope="col" className="num">Consumers</th>
                <th scope="col" className="num">In</th>
                <th scope="col" className="num">Out</th>
                <th scope="col" title="Worker pid (peers homed there) of each of the room's routers">Workers</th>
              </tr>
            </thead>
            <tbody>
              {[...rooms].sort(busiestFirst).map((room) => {
                const { producers, consumers } = roomCounts(room);
                return (
                  <tr key={room.id} className="data-table__link-row" data-room-id={room.id} onClick={() => navigate(`/admin/rooms/${room.id}`)}>
                    <th scope="row">
                      <Link to={`/admin/rooms/${room.id}`} onClick={(e) => e.stopPropagation()}>
                        {room.name}
                      </Link>
                    </th>
                    <td className="num" data-label="Peers">{room.peers.length}</td>
                    <td className="num" data-label="Producers">{producers}</td>
                    <td className="num" data-label="Consumers">{consumers}</td>
                    <td className="num" data-label="In" data-bps={room.bitrateIn}>{formatBitrate(room.bitrateIn)}</td>
                    <td className="num" data-label="Out" data-bps={room.bitrateOut}>{formatBitrate(room.bitrateOut)}</td>
                    <td data-label="Workers">{roomWorkers(room)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
