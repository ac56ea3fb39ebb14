import { BrowserRouter, Link, Route, Routes, useLocation } from 'react-router';
import { AdminOverview, AdminPage } from '../features/admin/AdminPage';
import { RoomDetail } from '../features/admin/RoomDetail';
import { LoginPage, RegisterPage } from '../features/auth/AuthForm';
import { HomePage, JoinPage } from '../features/auth/JoinPage';
import { GuestOnly, RequireAuth } from '../features/auth/RequireAuth';
import { RoomEntry } from '../features/call/prejoin/RoomEntry';
import { EmbedCallPage } from '../features/embed/EmbedCallPage';
import { LobbyPage } from '../features/lobby/LobbyPage';
import { RecordingsPage } from '../features/recordings/RecordingsPage';
import { ErrorBoundary } from '../ui/ErrorBoundary';
import { OutdatedAppBanner } from '../ui/OutdatedAppBanner';
import { SessionBridge } from './SessionBridge';

function NotFound() {
  return (
    <main className="page page--center">
      <div className="card error-page">
        <h1>Page not found</h1>
        <p>There is nothing at this address.</p>
        <Link className="btn btn--primary" to="/">
          Back to lobby
        </Link>
      </div>
    </main>
  );
}

export function AppRoutes() {
  const location = useLocation();
  return (
    <ErrorBoundary resetKey={location.pathname}>
      <OutdatedAppBanner />
      <Routes>
        <Route path="/login" element={<GuestOnly><LoginPage /></GuestOnly>} />
        <Route path="/register" element={<GuestOnly><RegisterPage /></GuestOnly>} />
        <Route path="/join" element={<JoinPage />} />
        <Route path="/" element={<RequireAuth><HomePage lobby={<LobbyPage />} /></RequireAuth>} />
        <Route path="/rooms/:id" element={<RoomEntry />} />
        <Route path="/embed/rooms/:id" element={<EmbedCallPage />} />
        <Route path="/rooms/:id/recordings" element={<RequireAuth><RecordingsPage /></RequireAuth>} />
        <Route path="/admin" element={<RequireAuth><AdminPage /></RequireAuth>}>
          <Route index element={<AdminOverview />} />
          <Route path="rooms/:roomId" element={<RoomDetail />} />
        </Route>
        <Route path="*" element={<NotFound />} />
      </Routes>
    </ErrorBoundary>
  );
}

export function App() {
  return (
    <ErrorBoundary>
      <SessionBridge />
      <BrowserRouter>
        <AppRoutes />
      </BrowserRouter>
    </ErrorBoundary>
  );
}
