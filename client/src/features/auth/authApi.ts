import type { AuthResponse, ExternalAuthRequest, ExternalAuthResponse, GuestAuthRequest, GuestAuthResponse, LoginRequest, RefreshRequest, RegisterRequest, UserDto } from '@minimeet/shared';
import { api } from '../../lib/http';

export const authApi = {
  login: (body: LoginRequest) => api<AuthResponse>('/auth/login', { method: 'POST', body, auth: false }),
  register: (body: RegisterRequest) => api<AuthResponse>('/auth/register', { method: 'POST', body, auth: false }),
  refresh: (body: RefreshRequest) => api<AuthResponse>('/auth/refresh', { method: 'POST', body, auth: false }),
  external: (body: ExternalAuthRequest) => api<ExternalAuthResponse>('/auth/external', { method: 'POST', body, auth: false }),
  guest: (body: GuestAuthRequest) => api<GuestAuthResponse>('/auth/guest', { method: 'POST', body, auth: false }),
  /** A guest's new token, only while it is in the call (the server refuses otherwise). */
  guestRenew: () => api<GuestAuthResponse>('/auth/guest/renew', { method: 'POST' }),
  me: () => api<UserDto>('/auth/me'),
  /** Who a token belongs to, before it becomes the session (an access token handed to the embed page). */
  meWith: (accessToken: string) => api<UserDto>('/auth/me', { bearer: accessToken }),
};
