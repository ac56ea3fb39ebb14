import type { ReactNode } from 'react';

export function Alert({ kind = 'error', children, onDismiss }: { kind?: 'error' | 'info' | 'warning'; children: ReactNode; onDismiss?: () => void }) {
  return (
    <div className={`alert alert--${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div className="alert__body">{children}</div>
      {onDismiss && (
        <button type="button" className="btn btn--ghost btn--small" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}
