import type { ReactNode } from 'react';

/** The centered, branded page the sign-in, register and guest forms sit on. */
export function AuthPage({ children }: { children: ReactNode }) {
  return (
    <main className="page page--center auth-page">
      <div className="brand brand--large" aria-hidden="true">
        <span className="brand__logo" />
        MiniMeet
      </div>
      {children}
    </main>
  );
}
