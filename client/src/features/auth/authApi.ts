import type { AuthResponse, ExternalAuthRequest, ExternalAuthResponse, LoginRequest, RefreshRequest, RegisterRequest, UserDto } from '@minimeet/shared';
import { api } from '../../lib/http';

export const authApi = {
  login: (body: LoginRequest) => api<AuthResponse>('/auth/login', { method: 'POST', body, auth: false }),
  register: (body: RegisterRequest) => api<AuthResponse>('/auth/register', { method: 'POST', body, auth: false }),
  refresh: (body: RefreshRequest) => api<AuthResponse>('/auth/refresh', { method: 'POST', body, auth: false }),
  external: (body: ExternalAuthRequest) => api<ExternalAuthResponse>('/auth/external', { method: 'POST', body, auth: false }),
  me: () => api<UserDto>('/auth/me'),
};
