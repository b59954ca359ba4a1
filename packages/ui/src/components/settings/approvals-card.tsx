'use client';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { formatRelative, shortId } from '../../lib/format';
import { type RouterOutputs, useTRPC, useTRPCClient } from '../../lib/trpc';
import { useSearchParams } from '../../navigation';
import { Card, Empty, ErrorNote } from '../ui';

type StreamItem<T> = T extends AsyncIterable<infer Item> ? Item : never;
type Approval = StreamItem<RouterOutputs['security']['onApprovals']>;

/** Approval timestamps are Unix seconds (docs/entities.md#security-policy-and-approvals). */
const secondsToMs = (value: number) => (value < 1e12 ? value * 1000 : value);

/**
 * Commands waiting for the user, from any chat or task run; kept current by security.onApprovals. The one named
 * by `?approval=<id>` (where an approval notification leads) is marked and scrolled into view.
 */
export function ApprovalsCard() {
  const focusedId = useSearchParams().get('approval');
  const focusedRow = useRef<HTMLDivElement | null>(null);
  const client = useTRPCClient();
  const trpc = useTRPC();
  const [pending, setPending] = useState<Map<string, Approval>>(() => new Map());
  useEffect(() => {
    const subscription = client.security.onApprovals.subscribe(
      { include_pending: true },
      {
        onData: (approval) =>
          setPending((current) => {
            const next = new Map(current);
            if (approval.status === 'pending') next.set(approval.id, approval);
            else next.delete(approval.id);
            return next;
          }),
        // A resubscription after a reconnect sends the pending ones again.
        onStarted: () => setPending(new Map()),
      },
    );
    return () => subscription.unsubscribe();
  }, [client]);
  const focusedPending = focusedId !== null && pending.has(focusedId);
  useEffect(() => {
    if (focusedPending) focusedRow.current?.scrollIntoView({ block: 'center' });
  }, [focusedPending]);
  const approve = useMutation(trpc.security.approvals.approve.mutationOptions());
  const reject = useMutation(trpc.security.approvals.reject.mutationOptions());

  return (
    <Card title="Pending approvals">
      <ErrorNote error={approve.error ?? reject.error} />
      {pending.size === 0 ? <Empty>No command is waiting for approval.</Empty> : null}
      {[...pending.values()].map((approval) => (
        <div
          className={approval.id === focusedId ? 'approval focused' : 'approval'}
          aria-current={approval.id === focusedId ? 'true' : undefined}
          ref={approval.id === focusedId ? focusedRow : undefined}
          key={approval.id}
        >
          <code>{approval.command}</code>
          <span className="hint">
            {approval.task_id ? `task ${shortId(approval.task_id)}` : 'chat'} · expires{' '}
            {formatRelative(secondsToMs(approval.expires_at))}
          </span>
          <span className="actions">
            <button type="button" className="primary small" onClick={() => approve.mutate({ id: approval.id })}>
              Approve
            </button>
            <button
              type="button"
              className="danger small"
              onClick={() => reject.mutate({ id: approval.id, reason: 'rejected in the console' })}
            >
              Reject
            </button>
          </span>
        </div>
      ))}
    </Card>
  );
}
