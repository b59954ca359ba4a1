import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export interface CommandPattern {
  pattern: string;
  description?: string;
}
export type SecurityAction = 'allow' | 'block' | 'require_approval';

export const securityPolicies = sqliteTable('security_policies', {
  /** `default` is the daemon-wide policy; other ids are reserved for per-agent policies. */
  id: text('id').primaryKey(),
  defaultAction: text('default_action').$type<SecurityAction>().notNull().default('require_approval'),
  allowlist: text('allowlist', { mode: 'json' }).$type<CommandPattern[]>().notNull(),
  blocklist: text('blocklist', { mode: 'json' }).$type<CommandPattern[]>().notNull(),
  approvalRequired: text('approval_required', { mode: 'json' }).$type<CommandPattern[]>().notNull(),
  approvalTimeoutSecs: integer('approval_timeout_secs').notNull().default(300),
  updatedAt: integer('updated_at').notNull(),
});

export type ApprovalStatus = 'pending' | 'approved' | 'rejected' | 'expired';

export const pendingApprovals = sqliteTable(
  'pending_approvals',
  {
    id: text('id').primaryKey(),
    command: text('command').notNull(),
    workdir: text('workdir'),
    taskId: text('task_id'),
    agentId: text('agent_id'),
    runId: text('run_id'),
    /** seconds, as on the wire (docs/entities.md#security-policy-and-approvals) */
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    status: text('status').$type<ApprovalStatus>().notNull().default('pending'),
    rejectionReason: text('rejection_reason'),
  },
  (t) => [index('pending_approvals_status_idx').on(t.status, t.expiresAt)],
);
