/** REST login for a Node participant. */
import type { AuthResponse } from '@minimeet/shared';

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
