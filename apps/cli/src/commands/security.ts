import type { RestflowClient, RouterOutputs } from '@restflow/api/client';
import { daemonLeaf, group, noArgs } from '../command.ts';
import { CliError } from '../daemon-connection.ts';
import { formatTime, type Output, preview, shortId } from '../output.ts';

type Approval = RouterOutputs['security']['approvals']['get'];
type CommandPattern = RouterOutputs['security']['allowlist']['get'][number];
type Evaluation = RouterOutputs['security']['check'];

const ACTIONS = ['allow', 'block', 'require_approval'] as const;

function expiresIn(approval: Approval, nowSecs = Date.now() / 1000): string {
  if (approval.status !== 'pending') return formatTime(approval.expires_at * 1000);
  const left = Math.max(0, Math.round(approval.expires_at - nowSecs));
  return left >= 60 ? `in ${Math.floor(left / 60)}m ${left % 60}s` : `in ${left}s`;
}

const approvals = daemonLeaf(
  'approvals',
  'List commands waiting for approval (--all: every approval, any status)',
  (y) => y.option('all', { alias: 'a', type: 'boolean', default: false, describe: 'Include decided and expired' }),
  async (client, args, out) => {
    const rows = await client.security.approvals.list.query(args.all ? {} : { status: 'pending' });
    out.table(rows, [
      { header: 'ID', value: (a) => shortId(a.id) },
      { header: 'Command', value: (a) => preview(a.command, 60) },
      { header: 'Task', value: (a) => shortId(a.task_id) },
      { header: 'Agent', value: (a) => shortId(a.agent_id) },
      ...(args.all ? [{ header: 'Status', value: (a: Approval) => a.status }] : []),
      { header: 'Expires', value: (a) => expiresIn(a) },
    ]);
  },
);

const approve = daemonLeaf(
  'approve <id>',
  'Let a waiting command run (id or unique prefix)',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const approval = await client.security.approvals.approve.mutate({ id: args.id });
    out.result(`Approved: ${approval.command} (${approval.id})`, approval);
  },
);

const reject = daemonLeaf(
  'reject <id>',
  'Refuse a waiting command (id or unique prefix)',
  (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('reason', { alias: 'r', type: 'string', describe: 'Told to the agent' }),
  async (client, args, out) => {
    const approval = await client.security.approvals.reject.mutate({ id: args.id, reason: args.reason });
    out.result(`Rejected: ${approval.command} (${approval.id})`, approval);
  },
);

type PatternListKey = 'allowlist' | 'blocklist' | 'approvalRequired';

function patternListApi(client: RestflowClient, key: PatternListKey) {
  return client.security[key];
}

function showPatterns(out: Output, patterns: CommandPattern[]): void {
  out.table(
    patterns.map((pattern, index) => ({ index, ...pattern })),
    [
      { header: 'Index', value: (p) => p.index },
      { header: 'Pattern', value: (p) => p.pattern },
      { header: 'Description', value: (p) => p.description },
    ],
    patterns,
  );
}

/** `show | add <pattern> [-d] | remove <index>` for one pattern list of the policy. */
function patternListCommand(command: string, key: PatternListKey, label: string) {
  const show = daemonLeaf(
    'show',
    `Show the ${label} (with the indexes remove takes)`,
    noArgs,
    async (client, _a, out) => showPatterns(out, await patternListApi(client, key).get.query()),
  );
  const add = daemonLeaf(
    'add <pattern>',
    `Add a pattern to the ${label} (* matches anything; "ls *" also matches bare "ls")`,
    (y) =>
      y
        .positional('pattern', { type: 'string', demandOption: true })
        .option('description', { alias: 'd', type: 'string', describe: 'What the pattern is for' }),
    async (client, args, out) => {
      const change = await patternListApi(client, key).add.mutate({
        pattern: args.pattern,
        description: args.description,
      });
      out.result(`Added to the ${label}: ${change.pattern.pattern}`, change);
    },
  );
  const remove = daemonLeaf(
    ['remove <index>', 'rm <index>'],
    `Remove a pattern from the ${label} by its index (see show)`,
    (y) => y.positional('index', { type: 'number', demandOption: true }),
    async (client, args, out) => {
      const change = await patternListApi(client, key).remove.mutate({ index: args.index });
      out.result(`Removed from the ${label}: ${change.pattern.pattern}`, change);
    },
  );
  return group(command, `Show and edit the ${label}`, [show, add, remove]);
}

function showEvaluation(out: Output, evaluation: Evaluation): void {
  if (out.json) {
    out.printJson(evaluation);
    return;
  }
  out.record(
    [
      ['Action', evaluation.action],
      ['Reason', evaluation.reason],
      ['Matched', evaluation.matched?.pattern],
    ],
    evaluation,
  );
  if (evaluation.segments.length > 1) {
    out.line();
    out.table(evaluation.segments, [
      { header: 'Command', value: (s) => preview(s.command, 50) },
      { header: 'Action', value: (s) => s.action },
      { header: 'Reason', value: (s) => s.reason },
    ]);
  }
}

const check = daemonLeaf(
  'check [command..]',
  'Show what the policy decides for a command line, and why (quote it, or put it after --)',
  (y) =>
    y
      .positional('command', { type: 'string', array: true })
      // Words after `--` (e.g. `check -- find . -delete`) stay words of the command, not options.
      .parserConfiguration({ 'populate--': true, 'unknown-options-as-args': true }),
  async (client, args, out) => {
    const words = [...((args.command as string[] | undefined) ?? []), ...((args['--'] as string[] | undefined) ?? [])];
    if (words.length === 0) throw new CliError('give the command line to check (quote it, or put it after --)', 2);
    const command = words.map(String).join(' ');
    showEvaluation(out, await client.security.check.query({ command }));
  },
);

const policyShow = daemonLeaf('show', 'Show the security policy', noArgs, async (client, _a, out) => {
  const policy = await client.security.policy.get.query();
  out.record(
    [
      ['Default action', policy.default_action],
      ['Approval timeout', `${policy.approval_timeout_secs} s`],
      ['Allowlist', `${policy.allowlist.length} patterns`],
      ['Blocklist', `${policy.blocklist.length} patterns`],
      ['Approval required', `${policy.approval_required.length} patterns`],
    ],
    policy,
  );
});

const policySetDefault = daemonLeaf(
  'set-default <action>',
  'What happens to commands no pattern matches',
  (y) => y.positional('action', { choices: ACTIONS, demandOption: true }),
  async (client, args, out) => {
    const policy = await client.security.policy.update.mutate({ default_action: args.action });
    out.result(`Default action: ${policy.default_action}`, policy);
  },
);

const policySetTimeout = daemonLeaf(
  'set-timeout <seconds>',
  'How long an approval request waits before it expires',
  (y) => y.positional('seconds', { type: 'number', demandOption: true }),
  async (client, args, out) => {
    const policy = await client.security.policy.update.mutate({ approval_timeout_secs: args.seconds });
    out.result(`Approval timeout: ${policy.approval_timeout_secs} s`, policy);
  },
);

const policyReset = daemonLeaf('reset', 'Restore the default policy', noArgs, async (client, _a, out) => {
  const policy = await client.security.policy.reset.mutate();
  out.result('Security policy reset to defaults', policy);
});

export const securityCommand = group('security', 'Command security policy and approvals', [
  approvals,
  approve,
  reject,
  patternListCommand('allowlist', 'allowlist', 'allowlist'),
  patternListCommand('blocklist', 'blocklist', 'blocklist'),
  patternListCommand('approval-required', 'approvalRequired', 'approval-required list'),
  check,
  group('policy', 'Show and change the security policy', [policyShow, policySetDefault, policySetTimeout, policyReset]),
]);
