import { useAuthStore } from '../auth/authStore';
import { useCallStore } from './callStore';

/** True for the room's owner and for admins: they see the host controls. */
export function useIsModerator(): boolean {
  const user = useAuthStore((s) => s.session?.user ?? null);
  const ownerId = useCallStore((s) => s.room?.ownerId);
  if (!user || ownerId === undefined) return false;
  return user.role === 'admin' || user.id === ownerId;
}
