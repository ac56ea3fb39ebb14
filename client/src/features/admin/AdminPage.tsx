import { useEffect, useMemo } from 'react';
import { Link, Outlet } from 'react-router';
import { AppHeader } from '../../app/AppHeader';
import { selectUser, useAuthStore } from '../auth/authStore';
import { formatPercent } from './adminFormat';
import { cpuSeries } from './adminHistory';
import { startAdminLive, useAdminLiveStore } from './adminLiveStore';
import { CallAnalytics } from './CallAnalytics';
import { useCallAnalyticsStore } from './callAnalyticsStore';
import { LineChart } from './LineChart';
import { LiveStatus } from './LiveStatus';
import { NodesTable } from './NodesTable';
import { ProcessesTable } from './ProcessesTable';
import { RoomsTable } from './RoomsTable';
import { TotalsCards } from './TotalsCards';

export function NotAllowedPage() {
  return (
    <main className="page page--center">
      <div className="card error-page" role="alert">
        <h1>Not allowed</h1>
        <p>This page is for administrators. Ask an administrator if you need access.</p>
        <Link className="btn btn--primary" to="/">
          Back to lobby
        </Link>
      </div>
    </main>
  );
}

/** /admin (index): totals, CPU over time, active rooms and call analytics. */
export function AdminOverview() {
  const latest = useAdminLiveStore((s) => s.latest);
  const history = useAdminLiveStore((s) => s.history);
  const series = useMemo(() => cpuSeries(history), [history]);
  return (
    <>
      {latest && <TotalsCards totals={latest.totals} />}
      <section className="card admin-section" aria-label="CPU">
        <LineChart title="CPU (% of one core)" series={series} minYMax={10} formatValue={(v) => formatPercent(v)} />
        {latest && <ProcessesTable snapshot={latest} />}
        {latest?.nodes && <NodesTable nodes={latest.nodes} now={Date.parse(latest.takenAt)} />}
      </section>
      <RoomsTable rooms={latest?.rooms ?? []} />
      <CallAnalytics />
    </>
  );
}

/** Live admin data for as long as the page is open (subscribe on mount, unsubscribe on leave). */
function AdminLive() {
  useEffect(() => startAdminLive(), []);
  const forbidden = useAdminLiveStore((s) => s.status === 'forbidden');
  const takenAt = useAdminLiveStore((s) => s.latest?.takenAt);
  const callsForbidden = useCallAnalyticsStore((s) => s.status === 'forbidden');
  // Hold on to a REST refusal: the calls table (and its store) unmounts behind the notice.
  useEffect(() => {
    if (callsForbidden) useAdminLiveStore.setState({ status: 'forbidden' });
  }, [callsForbidden]);
  if (forbidden || callsForbidden) return <NotAllowedPage />;
  return (
    <div className="page">
      <AppHeader>
        <span className="app-header__section">Admin</span>
      </AppHeader>
      <main className="admin" aria-label="Administration" data-snapshot-at={takenAt}>
        <LiveStatus />
        <Outlet />
      </main>
    </div>
  );
}

/**
 * /admin layout: administrators only. The role from the session decides up front; the server
 * has the last word (a FORBIDDEN answer shows the same page).
 */
export function AdminPage() {
  const user = useAuthStore(selectUser);
  if (user?.role !== 'admin') return <NotAllowedPage />;
  return <AdminLive />;
}
