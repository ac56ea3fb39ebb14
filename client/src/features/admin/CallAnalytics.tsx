import type { CallSessionDto } from '@minimeet/shared';
import { useEffect, type FormEvent } from 'react';
import { formatTime } from '../../lib/format';
import { Alert } from '../../ui/Alert';
import { Spinner } from '../../ui/Spinner';
import { formatDuration } from './adminFormat';
import { useCallAnalyticsStore } from './callAnalyticsStore';

/** Each participant once, in order of first joining (a user who rejoined has several stays). */
export function participantNames(call: CallSessionDto): string[] {
  return [...new Set([...call.participants].sort((a, b) => a.joinedAt.localeCompare(b.joinedAt)).map((p) => p.username))];
}

function CallRow({ call }: { call: CallSessionDto }) {
  const names = participantNames(call);
  const running = call.endedAt === null;
  return (
    <tr data-call-id={call.id}>
      <th scope="row">{call.roomName}</th>
      <td data-label="Started">
        <time dateTime={call.startedAt}>{formatTime(call.startedAt)}</time>
      </td>
      <td data-label="Duration">{running ? <span className="badge badge--live">live</span> : formatDuration(call.durationMs ?? 0)}</td>
      <td className="num" data-label="Peak">{call.peakParticipants}</td>
      <td className="calls__names" data-label="Participants">{names.join(', ') || '—'}</td>
    </tr>
  );
}

/** Call analytics: calls that started in a date range (default: the last 7 days). */
export function CallAnalytics() {
  const { from, to, status, calls, error } = useCallAnalyticsStore();
  useEffect(() => {
    void useCallAnalyticsStore.getState().load();
    return () => useCallAnalyticsStore.getState().reset();
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void useCallAnalyticsStore.getState().load();
  };
  const setRange = useCallAnalyticsStore.getState().setRange;

  return (
    <section className="card admin-section" aria-labelledby="admin-calls-title">
      <div className="card__head">
        <h2 id="admin-calls-title">Calls</h2>
        {status === 'loading' && <Spinner label="Loading calls" />}
      </div>
      <form className="calls__range" onSubmit={submit} aria-label="Date range" noValidate>
        <label>
          From
          <input type="date" value={from} onChange={(e) => setRange({ from: e.target.value })} />
        </label>
        <label>
          To
          <input type="date" value={to} onChange={(e) => setRange({ to: e.target.value })} />
        </label>
        <button type="submit" className="btn btn--secondary" disabled={status === 'loading'}>
          Refresh
        </button>
      </form>
      {status === 'error' && error && <Alert>{error}</Alert>}
      {status === 'ready' && calls.length === 0 && <p className="empty">No calls in this period.</p>}
      {calls.length > 0 && (
        <div className="table-wrap">
          <table className="data-table" aria-labelledby="admin-calls-title">
            <thead>
              <tr>
                <th scope="col">Room</th>
                <th scope="col">Started</th>
                <th scope="col">Duration</th>
                <th scope="col" className="num">Peak</th>
                <th scope="col">Participants</th>
              </tr>
            </thead>
            <tbody>
              {calls.map((c) => (
                <CallRow key={c.id} call={c} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
