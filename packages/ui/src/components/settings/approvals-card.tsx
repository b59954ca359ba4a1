'use client';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { formatRelative, shortId } from '../../lib/format';
import { type RouterOutputs, useTRPC, useTRPCClient } from '../../lib/trpc';
import { Card, Empty, ErrorNote } from '../ui';

type StreamItem<T> = T extends AsyncIterable<infer Item> ? Item : never;
type Approval = StreamItem<RouterOutputs['security']['onApprovals']>;

/** Approval timestamps are Unix seconds (docs/entities.md#security-policy-and-approvals). */
const secondsToMs = (value: number) => (value < 1e12 ? value * 1000 : value);

/** Commands waiting for the user, from any chat or task run; kept current by security.onApprovals. */
export function ApprovalsCard() {
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
  const approve = useMutation(trpc.security.approvals.approve.mutationOptions());
  const reject = useMutation(trpc.security.approvals.reject.mutationOptions());

  return (
    <Card title="Pending approvals">
      <ErrorNote error={approve.error ?? reject.error} />
      {pending.size === 0 ? <Empty>No command is waiting for approval.</Empty> : null}
      {[...pending.values()].map((approval) => (
        <div className="approval" key={approval.id}>
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
