import type { AdminTotals } from '@minimeet/shared';
import { formatBitrate } from './adminFormat';

/** The SFU at a glance: counts and total bitrates of the latest snapshot. */
export function TotalsCards({ totals }: { totals: AdminTotals }) {
  const cards: Array<{ id: string; label: string; value: string; detail?: string }> = [
    { id: 'rooms', label: 'Rooms', value: String(totals.rooms) },
    { id: 'peers', label: 'Peers', value: String(totals.peers), detail: `${totals.transports} transports` },
    {
      id: 'producers',
      label: 'Producers',
      value: String(totals.producers.audio + totals.producers.video),
      detail: `${totals.producers.audio} audio · ${totals.producers.video} video`,
    },
    {
      id: 'consumers',
      label: 'Consumers',
      value: String(totals.consumers.audio + totals.consumers.video),
      detail: `${totals.consumers.audio} audio · ${totals.consumers.video} video`,
    },
    { id: 'bitrate-in', label: 'Bitrate in', value: formatBitrate(totals.bitrateIn) },
    { id: 'bitrate-out', label: 'Bitrate out', value: formatBitrate(totals.bitrateOut) },
  ];
  return (
    <ul className="totals" aria-label="Totals">
      {cards.map((c) => (
        <li key={c.id} className="totals__card" data-testid={`total-${c.id}`}>
          <span className="totals__label">{c.label}</span>
          <span className="totals__value">{c.value}</span>
          {c.detail && <span className="totals__detail">{c.detail}</span>}
        </li>
      ))}
    </ul>
  );
}
