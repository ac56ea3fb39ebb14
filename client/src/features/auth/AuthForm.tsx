import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { AppError, describeError } from '../../lib/errors';
import { Alert } from '../../ui/Alert';
import { Field } from '../../ui/Field';
import { useAuthStore } from './authStore';
import { redirectTarget } from './RequireAuth';
import { AuthPage } from './AuthPage';

type Mode = 'login' | 'register';
type FieldErrors = Partial<Record<'username' | 'password', string[]>>;

/** Maps a server error onto the form: field messages next to fields, the rest on top. */
export function formErrors(err: unknown): { fields: FieldErrors; form: string | null } {
  if (err instanceof AppError) {
    if (err.code === 'CONFLICT') return { fields: { username: [err.message] }, form: null };
    if (err.fields) {
      const fields: FieldErrors = {};
      let other: string[] = [];
      for (const [k, msgs] of Object.entries(err.fields)) {
        if (k === 'username' || k === 'password') fields[k] = msgs;
        else other = other.concat(msgs);
      }
      if (fields.username || fields.password) return { fields, form: other.length ? other.join(' ') : null };
    }
  }
  return { fields: {}, form: describeError(err) };
}

export function AuthForm({ mode }: { mode: Mode }) {
  const navigate = useNavigate();
  const location = useLocation();
  const notice = useAuthStore((s) => s.notice);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<{ fields: FieldErrors; form: string | null }>({ fields: {}, form: null });

  const isLogin = mode === 'login';

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({ fields: {}, form: null });
    try {
      const store = useAuthStore.getState();
      await (isLogin ? store.login(username, password) : store.register(username, password));
      navigate(redirectTarget(location.state), { replace: true });
    } catch (err) {
      setErrors(formErrors(err));
      setBusy(false);
    }
  }

  return (
    <AuthPage>
      <form className="card auth-card" onSubmit={onSubmit} noValidate aria-labelledby="auth-title">
        <h1 id="auth-title">{isLogin ? 'Sign in' : 'Create an account'}</h1>
        {notice && isLogin && <Alert kind="info" onDismiss={() => useAuthStore.getState().clearNotice()}>{notice}</Alert>}
        {errors.form && <Alert>{errors.form}</Alert>}
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          errors={errors.fields.username}
          hint={isLogin ? undefined : '3–32 letters, digits, “_”, “.” or “-”'}
          required
          autoFocus
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={isLogin ? 'current-password' : 'new-password'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          errors={errors.fields.password}
          hint={isLogin ? undefined : 'At least 8 characters'}
          required
        />
        <button type="submit" className="btn btn--primary btn--block" disabled={busy}>
          {busy ? 'Please wait…' : isLogin ? 'Sign in' : 'Create account'}
        </button>
        <p className="auth-card__switch">
          {isLogin ? (
            <>
              No account yet? <Link to="/register" state={location.state}>Create one</Link>
            </>
          ) : (
            <>
              Already registered? <Link to="/login" state={location.state}>Sign in</Link>
            </>
          )}
        </p>
      </form>
    </AuthPage>
  );
}

export const LoginPage = () => <AuthForm mode="login" />;
export const RegisterPage = () => <AuthForm mode="register" />;
