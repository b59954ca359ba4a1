// Small building blocks the pages share.
import { cloneElement, type ReactElement, type ReactNode, useId } from 'react';
import { errorMessage } from '../lib/format';

/** A failed call's message, shown where it happened. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      {errorMessage(error)}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'accent' | 'plain';

export function Badge({ tone = 'plain', children }: { tone?: Tone; children: ReactNode }) {
  return <span className={`badge ${tone === 'plain' ? '' : tone}`}>{children}</span>;
}

/** A labelled control; the label points at the child by id, and the hint stays out of its accessible name. */
export function Field({
  label,
  hint,
  wide,
  error,
  children,
}: {
  label: string;
  hint?: ReactNode;
  wide?: boolean;
  /** What is wrong with the value (checked before sending, or the daemon's field error). */
  error?: string;
  children: ReactElement<{ id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }>;
}) {
  const generated = useId();
  const id = children.props.id ?? generated;
  const errorId = `${id}-error`;
  return (
    <div className={`field${wide ? ' wide' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, error ? { id, 'aria-invalid': true, 'aria-describedby': errorId } : { id })}
      {error ? (
        <small className="field-error" id={errorId} data-testid="field-error">
          {error}
        </small>
      ) : null}
      {hint ? <small className="hint">{hint}</small> : null}
    </div>
  );
}

export function Card({ title, actions, children }: { title?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="card">
      {title || actions ? (
        <div className="card-header">
          {title ? <h2>{title}</h2> : <span />}
          {actions ? <div className="actions">{actions}</div> : null}
        </div>
      ) : null}
      {children}
    </section>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children ? <div className="actions">{children}</div> : null}
    </div>
  );
}

const STATUS_TONES: Record<string, Tone> = {
  active: 'accent',
  running: 'warn',
  pending: 'warn',
  paused: 'plain',
  completed: 'ok',
  approved: 'ok',
  failed: 'bad',
  rejected: 'bad',
  cancelled: 'plain',
  interrupted: 'bad',
  expired: 'plain',
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={STATUS_TONES[status] ?? 'plain'}>{status}</Badge>;
}
