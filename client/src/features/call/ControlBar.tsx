import { useState } from 'react';
import { REACTION_EMOJIS } from '@minimeet/shared';
import { useChatStore } from '../chat/chatStore';
import { Icon } from '../../ui/Icon';
import { useCallStore } from './callStore';
import { DeviceMenu } from './DeviceMenu';
import { MediaToggle } from './MediaToggle';
import { RecordButton } from './RecordButton';

/** The call controls: real buttons whose aria-labels say what pressing them does. */
export function ControlBar({ onLeave }: { onLeave: () => void }) {
  const local = useCallStore((s) => s.local);
  const sidePanel = useCallStore((s) => s.sidePanel);
  const count = useCallStore((s) => s.participants.length);
  const waiting = useCallStore((s) => s.lobbyWaiting.length);
  const unread = useChatStore((s) => s.unread);
  const handUp = useCallStore((s) => s.self !== null && s.hands.some((h) => h.userId === s.self?.id));
  const [reacting, setReacting] = useState(false);
  // A webinar attendee only watches: no mic or camera until a host brings them on stage.
  const attendee = useCallStore((s) => s.role === 'attendee');
  const { toggleMic, toggleCamera, toggleScreenShare, setSidePanel } = useCallStore.getState();
  const canShare = typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';

  const shareLabel = local.sharing ? 'Stop sharing' : 'Share screen';
  const chatOpen = sidePanel === 'chat';
  const peopleOpen = sidePanel === 'people';

  return (
    <div className="controls" role="toolbar" aria-label="Call controls">
      {attendee ? (
        <div className="controls__group">
          <span className="controls__audience">You are in the audience</span>
          <DeviceMenu />
        </div>
      ) : (
      <div className="controls__group">
        <MediaToggle source="mic" on={local.micOn} busy={local.busy} onToggle={() => void toggleMic()} />
        <MediaToggle source="camera" on={local.cameraOn} busy={local.busy} onToggle={() => void toggleCamera()} />
        <button
          type="button"
          className={`ctrl${local.sharing ? ' ctrl--active' : ''}`}
          aria-label={shareLabel}
          title={shareLabel}
          onClick={() => void toggleScreenShare()}
          disabled={!canShare && !local.sharing}
        >
          <Icon name={local.sharing ? 'screenOff' : 'screen'} />
        </button>
        <DeviceMenu />
      </div>
      )}
      <div className="controls__group controls__group--engage">
        <button
          type="button"
          className={`ctrl${handUp ? ' ctrl--active' : ''}`}
          aria-label={handUp ? 'Lower hand' : 'Raise hand'}
          aria-pressed={handUp}
          title={handUp ? 'Lower hand' : 'Raise hand'}
          onClick={() => void (handUp ? useCallStore.getState().lowerHand() : useCallStore.getState().raiseHand())}
        >
          <Icon name="hand" />
        </button>
        <button
          type="button"
          className={`ctrl${reacting ? ' ctrl--active' : ''}`}
          aria-label="Reactions"
          aria-expanded={reacting}
          aria-controls="reaction-picker"
          title="Reactions"
          onClick={() => setReacting(!reacting)}
        >
          <span aria-hidden="true">😊</span>
        </button>
        {reacting && (
          <span className="reactions" id="reaction-picker" role="group" aria-label="Send a reaction">
            {REACTION_EMOJIS.map((emoji) => (
              <button
                key={emoji}
                type="button"
                className="btn btn--ghost"
                aria-label={`React ${emoji}`}
                onClick={() => void useCallStore.getState().sendReaction(emoji)}
              >
                {emoji}
              </button>
            ))}
          </span>
        )}
        <RecordButton />
      </div>
      <div className="controls__group">
        <button
          type="button"
          className={`ctrl${chatOpen ? ' ctrl--active' : ''}`}
          aria-label={chatOpen ? 'Hide chat' : unread ? `Show chat (${unread} unread)` : 'Show chat'}
          aria-expanded={chatOpen}
          aria-controls="side-panel"
          onClick={() => setSidePanel(chatOpen ? null : 'chat')}
        >
          <Icon name="chat" />
          {unread > 0 && !chatOpen && (
            <span className="ctrl__badge" aria-hidden="true">
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </button>
        <button
          type="button"
          className={`ctrl${peopleOpen ? ' ctrl--active' : ''}`}
          aria-label={
            peopleOpen
              ? 'Hide participants'
              : `Show participants (${count})${waiting ? `, ${waiting} waiting in the lobby` : ''}`
          }
          aria-expanded={peopleOpen}
          aria-controls="side-panel"
          onClick={() => setSidePanel(peopleOpen ? null : 'people')}
        >
          <Icon name="people" />
          <span className="ctrl__count" aria-hidden="true">
            {count}
          </span>
          {waiting > 0 && (
            <span className="ctrl__badge ctrl__badge--lobby" aria-hidden="true" data-testid="lobby-badge">
              {waiting > 99 ? '99+' : waiting}
            </span>
          )}
        </button>
        <button type="button" className="ctrl ctrl--danger" aria-label="Leave call" title="Leave call" onClick={onLeave}>
          <Icon name="leave" />
          <span className="ctrl__text">Leave</span>
        </button>
      </div>
    </div>
  );
}
