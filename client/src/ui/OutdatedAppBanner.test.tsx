import { PROTOCOL_VERSION, SOCKET_PROTOCOL_MISMATCH } from '@minimeet/shared';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  connectSocket,
  disconnectSocket,
  setSocketFactory,
  setUnauthorizedHandler,
  useConnectionStore,
} from '../lib/socket';
import { installFakeSockets, type FakeSocket } from '../test/fakeSocket';
import { OutdatedAppBanner } from './OutdatedAppBanner';

const mismatch = {
  code: SOCKET_PROTOCOL_MISMATCH,
  serverVersion: '99.0',
  clientVersion: PROTOCOL_VERSION,
  message: 'Client protocol 1.0 is not compatible with server protocol 99.0: reload the app',
};

/** The first socket waits for the test to refuse its handshake; later ones connect. */
function refusedFirst() {
  let made = 0;
  return (s: FakeSocket) => {
    made += 1;
    if (made === 1) s.autoConnect = false;
  };
}

describe('an out-of-date app', () => {
  afterEach(() => {
    act(() => {
      disconnectSocket();
      useConnectionStore.setState({ outdated: null });
    });
    setSocketFactory(null);
  });

  it('shows nothing while the server accepts this app', () => {
    render(<OutdatedAppBanner />);
    expect(screen.queryByTestId('outdated-app-banner')).toBeNull();
  });

  it('tells the user to reload when the server refuses its protocol version, and reloads on click', async () => {
    const sockets = installFakeSockets(refusedFirst());
    const unauthorized = vi.fn();
    setUnauthorizedHandler(unauthorized);
    const reload = vi.fn();
    render(<OutdatedAppBanner reload={reload} />);
    act(() => {
      connectSocket('tok');
      sockets.current.simulateConnectError(SOCKET_PROTOCOL_MISMATCH, mismatch);
    });

    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent(/out of date\. Reload the page/);
    expect(banner).toHaveTextContent(`app protocol ${PROTOCOL_VERSION}, server 99.0`);
    expect(useConnectionStore.getState()).toMatchObject({ status: 'disconnected' });
    expect(unauthorized).not.toHaveBeenCalled(); // not a session problem: no sign-out
    await userEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(reload).toHaveBeenCalledOnce();
    setUnauthorizedHandler(() => {});
  });

  it('stays until a connect succeeds (signing out does not hide it)', async () => {
    const sockets = installFakeSockets(refusedFirst());
    render(<OutdatedAppBanner />);
    act(() => {
      connectSocket('tok');
      sockets.current.simulateConnectError(SOCKET_PROTOCOL_MISMATCH, mismatch);
    });
    await screen.findByTestId('outdated-app-banner');
    act(() => disconnectSocket());
    expect(screen.getByTestId('outdated-app-banner')).toBeInTheDocument();
    // e.g. the server was rolled back: the handshake is accepted again
    await act(async () => {
      connectSocket('tok2');
      await Promise.resolve();
    });
    expect(useConnectionStore.getState().status).toBe('connected');
    expect(screen.queryByTestId('outdated-app-banner')).toBeNull();
  });
});
