import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  children: ReactNode;
  /** Changing this (e.g. the route) clears a caught error. */
  resetKey?: unknown;
}
interface State {
  error: Error | null;
  resetKey: unknown;
}

/** Catches render errors so the user reads a message instead of a blank page. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    if (props.resetKey !== state.resetKey) return { error: null, resetKey: props.resetKey };
    return null;
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn('UI error caught by boundary', error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <main className="page page--center">
        <div className="card error-page" role="alert">
          <h1>Something went wrong</h1>
          <p>{this.state.error.message || 'An unexpected error occurred.'}</p>
          <div className="row">
            <button type="button" className="btn btn--primary" onClick={() => this.setState({ error: null })}>
              Try again
            </button>
            <a className="btn btn--ghost" href="/">
              Back to lobby
            </a>
          </div>
        </div>
      </main>
    );
  }
}
