import { type CommandPattern, eq, securityPolicies } from '@restflow/db';
import type { CoreContext } from '../core-context.ts';
import { ConflictError, InvalidInputError } from '../errors.ts';
import { ApprovalQueue, type ApprovalRequest, type PendingApproval } from './approval-queue.ts';
import {
  type CommandContext,
  type CommandEvaluation,
  defaultSecurityPolicy,
  evaluateCommand,
  matchesPattern,
  SECURITY_ACTIONS,
  type SecurityAction,
  type SecurityPolicy,
} from './command-policy.ts';

export const PATTERN_LISTS = ['allowlist', 'blocklist', 'approval_required'] as const;
export type PatternListName = (typeof PATTERN_LISTS)[number];

export const MAX_APPROVAL_TIMEOUT_SECS = 7 * 24 * 3600;
const POLICY_ID = 'default';

export interface PatternChange {
  pattern: CommandPattern;
  patterns: CommandPattern[];
}

export interface CommandAuthorization {
  allowed: boolean;
  evaluation: CommandEvaluation;
  /** Set when the command needed approval. */
  approval?: PendingApproval;
  decision?: 'approved' | 'rejected' | 'expired';
  reason: string;
}

function validatePatterns(list: string, patterns: CommandPattern[]): CommandPattern[] {
  return patterns.map((c, i) => {
    const pattern = typeof c.pattern === 'string' ? c.pattern.trim().replace(/\s+/g, ' ') : '';
    if (!pattern) throw InvalidInputError.field(`${list}.${i}.pattern`, 'must not be empty');
    if (pattern.length > 500) throw InvalidInputError.field(`${list}.${i}.pattern`, 'must be at most 500 characters');
    const description = c.description?.trim();
    return description ? { pattern, description } : { pattern };
  });
}

function validatePolicy(policy: SecurityPolicy): SecurityPolicy {
  if (!SECURITY_ACTIONS.includes(policy.default_action)) {
    throw InvalidInputError.field('default_action', `must be one of ${SECURITY_ACTIONS.join(', ')}`);
  }
  const timeout = policy.approval_timeout_secs;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_APPROVAL_TIMEOUT_SECS) {
    throw InvalidInputError.field('approval_timeout_secs', `must be an integer from 1 to ${MAX_APPROVAL_TIMEOUT_SECS}`);
  }
  return {
    default_action: policy.default_action,
    allowlist: validatePatterns('allowlist', policy.allowlist),
    blocklist: validatePatterns('blocklist', policy.blocklist),
    approval_required: validatePatterns('approval_required', policy.approval_required),
    approval_timeout_secs: timeout,
  };
}

/**
 * The command security policy (persisted, seeded with read-only defaults) and the queue of commands waiting
 * for a user's approval. The agent engine's bash tool calls `authorizeCommand` (or `evaluate` +
 * `createApproval` + `waitForDecision`) before running anything.
 */
export class SecurityService {
  readonly approvals: ApprovalQueue;

  constructor(private readonly core: CoreContext) {
    this.approvals = new ApprovalQueue(core, () => this.getPolicy().approval_timeout_secs);
  }

  getPolicy(): SecurityPolicy {
    const row = this.core.db.select().from(securityPolicies).where(eq(securityPolicies.id, POLICY_ID)).get();
    if (!row) return this.write(defaultSecurityPolicy());
    return {
      default_action: row.defaultAction,
      allowlist: row.allowlist,
      blocklist: row.blocklist,
      approval_required: row.approvalRequired,
      approval_timeout_secs: row.approvalTimeoutSecs,
    };
  }

  /** Replaces the given fields; the others keep their current values. */
  setPolicy(patch: Partial<SecurityPolicy>): SecurityPolicy {
    const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    return this.write(validatePolicy({ ...this.getPolicy(), ...defined }));
  }

  resetPolicy(): SecurityPolicy {
    return this.write(defaultSecurityPolicy());
  }

  setDefaultAction(action: SecurityAction): SecurityPolicy {
    return this.setPolicy({ default_action: action });
  }

  getPatterns(list: PatternListName): CommandPattern[] {
    return this.getPolicy()[list];
  }

  setPatterns(list: PatternListName, patterns: CommandPattern[]): CommandPattern[] {
    return this.setPolicy({ [list]: patterns })[list];
  }

  addPattern(list: PatternListName, pattern: CommandPattern): PatternChange {
    const [added] = validatePatterns(list, [pattern]) as [CommandPattern];
    const current = this.getPatterns(list);
    if (current.some((c) => c.pattern === added.pattern)) {
      throw new ConflictError(`The ${list} already contains "${added.pattern}"`);
    }
    return { pattern: added, patterns: this.setPatterns(list, [...current, added]) };
  }

  /** `index` is 0-based, as listed by `getPatterns`. */
  removePattern(list: PatternListName, index: number): PatternChange {
    const current = this.getPatterns(list);
    if (!Number.isInteger(index) || index < 0 || index >= current.length) {
      const range = current.length === 0 ? `the ${list} is empty` : `must be from 0 to ${current.length - 1}`;
      throw InvalidInputError.field('index', `${index} is out of range: ${range}`);
    }
    const removed = current[index] as CommandPattern;
    return {
      pattern: removed,
      patterns: this.setPatterns(
        list,
        current.filter((_, i) => i !== index),
      ),
    };
  }

  /** Which patterns of a list match a command (for explaining a decision in a UI). */
  matchingPatterns(list: PatternListName, command: string): CommandPattern[] {
    return this.getPatterns(list).filter((c) => matchesPattern(c.pattern, command));
  }

  /** The decision the policy takes for a command line right now; pure, nothing is recorded. */
  evaluate(command: string, context: CommandContext = {}): CommandEvaluation {
    return evaluateCommand(this.getPolicy(), command, context);
  }

  /**
   * The decision for a call of a tool an agent was granted, named `mcp:<server>:<tool>`: not a command line, so
   * only the lists apply — a blocklist pattern refuses it, an approval pattern asks a human, anything else runs
   * (the grant is the permission; the default action is for commands nobody listed).
   */
  evaluateTool(name: string): { action: SecurityAction; matched?: CommandPattern; reason: string } {
    const blocked = this.matchingPatterns('blocklist', name)[0];
    if (blocked)
      return { action: 'block', matched: blocked, reason: `matches the blocklist pattern "${blocked.pattern}"` };
    const asks = this.matchingPatterns('approval_required', name)[0];
    if (asks) {
      return { action: 'require_approval', matched: asks, reason: `matches the approval pattern "${asks.pattern}"` };
    }
    return { action: 'allow', reason: "granted by the agent's tools" };
  }

  createApproval(command: string, request: ApprovalRequest = {}): PendingApproval {
    return this.approvals.create(command, request);
  }

  waitForDecision(id: string, signal?: AbortSignal): Promise<'approved' | 'rejected' | 'expired'> {
    return this.approvals.waitForDecision(id, signal);
  }

  /**
   * The whole check for running one command: evaluate; when approval is needed, queue it and wait for the
   * user. Rejects with the signal's reason when `signal` aborts while waiting.
   */
  async authorizeCommand(
    command: string,
    request: ApprovalRequest & { signal?: AbortSignal } = {},
  ): Promise<CommandAuthorization> {
    const evaluation = this.evaluate(command);
    if (evaluation.action === 'allow') return { allowed: true, evaluation, reason: evaluation.reason };
    if (evaluation.action === 'block') return { allowed: false, evaluation, reason: evaluation.reason };
    const { signal, ...context } = request;
    const approval = this.createApproval(command, context);
    const decision = await this.waitForDecision(approval.id, signal);
    const settled = this.approvals.get(approval.id);
    const reason =
      decision === 'approved'
        ? 'approved by the user'
        : decision === 'rejected'
          ? `rejected by the user${settled.rejection_reason ? `: ${settled.rejection_reason}` : ''}`
          : `approval expired after ${settled.expires_at - settled.created_at} s without a decision`;
    return { allowed: decision === 'approved', evaluation, approval: settled, decision, reason };
  }

  private write(policy: SecurityPolicy): SecurityPolicy {
    const values = {
      defaultAction: policy.default_action,
      allowlist: policy.allowlist,
      blocklist: policy.blocklist,
      approvalRequired: policy.approval_required,
      approvalTimeoutSecs: policy.approval_timeout_secs,
      updatedAt: this.core.clock.now(),
    };
    this.core.db
      .insert(securityPolicies)
      .values({ id: POLICY_ID, ...values })
      .onConflictDoUpdate({ target: securityPolicies.id, set: values })
      .run();
    return policy;
  }
}
