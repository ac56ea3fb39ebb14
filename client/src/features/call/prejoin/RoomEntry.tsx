import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useAuthStore } from '../../auth/authStore';
import { RequireAuth } from '../../auth/RequireAuth';
import { CallPage, parseRoomId } from '../CallPage';
import type { PreparedMedia } from '../localMediaSlice';
import { PreJoinScreen } from './PreJoinScreen';

/**
 * `/rooms/:id` (also invite links and where `/join?token=` lands): the pre-join screen, then the
 * call with what was chosen there. Without a session the pre-join screen asks a guest's name; a
 * session that just ended with a notice (signed out everywhere, revoked, expired) goes to
 * sign-in with that notice instead: that user has an account.
 */
export function RoomEntry() {
  const { id } = useParams();
  const roomId = parseRoomId(id);
  const [params] = useSearchParams();
  const inviteToken = params.get('invite');
  const signedIn = useAuthStore((s) => s.session !== null);
  const endedWithNotice = useAuthStore((s) => s.notice !== null);
  const [prepared, setPrepared] = useState<{ roomId: number; media: PreparedMedia } | null>(null);

  if (roomId === null || (!signedIn && (endedWithNotice || prepared))) {
    return (
      <RequireAuth>
        <CallPage />
      </RequireAuth>
    );
  }
  if (signedIn && prepared?.roomId === roomId) return <CallPage prepared={prepared.media} />;
  return (
    <PreJoinScreen
      key={roomId}
      roomId={roomId}
      inviteToken={inviteToken}
      onJoin={(media) => setPrepared({ roomId, media })}
    />
  );
}
