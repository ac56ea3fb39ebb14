import { AppHeader } from '../../app/AppHeader';
import { usePolling } from '../../lib/usePolling';
import { ChatSearch } from './ChatSearch';
import { CreateRoomForm } from './CreateRoomForm';
import { RoomList } from './RoomList';
import { useLobbyStore } from './lobbyStore';

/** How often the lobby refreshes participant counts (no lobby-wide socket event exists). */
export const LOBBY_REFRESH_MS = 4000;

export function LobbyPage() {
  usePolling(() => useLobbyStore.getState().loadRooms(), LOBBY_REFRESH_MS);
  return (
    <div className="page">
      <AppHeader />
      <main className="lobby" aria-label="Lobby">
        <div className="lobby__rooms">
          <RoomList />
        </div>
        <div className="lobby__side">
          <CreateRoomForm />
          <ChatSearch />
        </div>
      </main>
    </div>
  );
}
