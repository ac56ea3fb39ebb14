import type { AuthResponse } from '@minimeet/shared';

/** Registers the user, or logs in when the name is taken; throws with the server's answer otherwise. */
export async function authenticate(url: string, username: string, password: string): Promise<AuthResponse> {
  const post = (route: 'register' | 'login') =>
    fetch(`${url}/api/auth/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
      signal: AbortSignal.timeout(15_000),
    });
  let res = await post('register');
  if (res.status === 409) {
    await res.body?.cancel();
    res = await post('login');
  }
  if (!res.ok) throw new Error(`auth of ${username} failed: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as AuthResponse;
}
