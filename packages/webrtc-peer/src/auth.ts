/** REST login for a Node participant. */
import type { AuthResponse, UserDto } from '@minimeet/shared';

/** Logs in (or registers when the user does not exist yet). */
export async function authenticate(url: string, username: string, password: string): Promise<AuthResponse> {
  const post = (path: string) =>
    fetch(`${url}/api/auth/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  let res = await post('login');
  if (res.status === 401) res = await post('register');
  if (!res.ok) throw new Error(`auth failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as AuthResponse;
}

/** How a bot or peer signs in: a token it was given, or a username + password to log in with. */
export interface PeerCredentials {
  url: string;
  token?: string;
  username?: string;
  password?: string;
}

/** The access token to connect with, and the user when this logged in (unknown for a given token). */
export async function resolveAccessToken(
  credentials: PeerCredentials,
): Promise<{ accessToken: string; user?: UserDto }> {
  const { url, token, username, password } = credentials;
  if (token) return { accessToken: token };
  if (!username || !password) throw new Error('token or username + password required');
  const auth = await authenticate(url, username, password);
  return { accessToken: auth.accessToken, user: auth.user };
}
