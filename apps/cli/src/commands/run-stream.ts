// Watching one agent run from the CLI: tokens as they arrive, tool calls and approvals on stderr, Ctrl-C
// cancels the run (a second Ctrl-C leaves at once), and a final result object for `--format json`.
import {
  applyRunEvent,
  emptyRunView,
  type RestflowClient,
  type RunEventKind,
  type RunView,
} from '@restflow/api/client';
import type { Output } from '../output.ts';

export interface RunResult {
  run_id: string;
  session_id: string | null;
  message_id: string | null;
  status: 'completed' | 'failed' | 'cancelled';
  content: string;
  error?: string;
  duration_ms?: number;
  total_tokens?: number;
  tool_calls: { tool_id: string; tool_name: string; arguments: string; success?: boolean; result?: string }[];
}

const preview = (text: string, max = 120) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

export interface WatchOptions {
  /** Print the answer's tokens as they stream (text mode); the REPL and `run` do. */
  printTokens?: boolean;
  /** Where Ctrl-C is heard: the process, or a readline interface that owns the terminal. */
  interrupts?: NodeJS.EventEmitter;
}

/** The result object of a run, from the run's state as the shared fold of its events has it. */
function resultOf(runId: string, ids: Pick<RunResult, 'session_id' | 'message_id'>, view: RunView): RunResult {
  const status = view.status === 'completed' || view.status === 'cancelled' ? view.status : 'failed';
  return {
    run_id: runId,
    ...ids,
    status,
    content: view.content,
    ...(view.error !== undefined ? { error: view.error } : {}),
    ...(view.status === 'completed' ? { duration_ms: view.durationMs, total_tokens: view.totalTokens } : {}),
    tool_calls: view.tools.map((tool) => ({
      tool_id: tool.id,
      tool_name: tool.name,
      arguments: tool.arguments,
      ...(tool.success !== undefined ? { success: tool.success, result: tool.result } : {}),
    })),
  };
}

/** Streams a run to the terminal until its terminal event; resolves with the result (never rejects on failure). */
export function watchRun(
  client: RestflowClient,
  runId: string,
  out: Output,
  options: WatchOptions = {},
): Promise<RunResult> {
  const interrupts = options.interrupts ?? process;
  const ids: Pick<RunResult, 'session_id' | 'message_id'> = { session_id: null, message_id: null };
  let view = emptyRunView();
  let atLineStart = true;
  // A notice in the middle of a line ends that line on stdout; the answer's own next line break is then
  // dropped, so stdout still carries the answer exactly.
  let brokeLine = false;
  const write = (text: string) => {
    if (out.json || options.printTokens === false || text === '') return;
    const shown = brokeLine && text.startsWith('\n') ? text.slice(1) : text;
    brokeLine = false;
    if (shown === '') return;
    out.write(shown);
    atLineStart = shown.endsWith('\n');
  };
  const notice = (text: string) => {
    if (!atLineStart) {
      write('\n');
      brokeLine = true;
    }
    out.notice(text);
  };

  let cancelling = false;
  return new Promise<RunResult>((resolve, reject) => {
    let interrupted = 0;
    const onInterrupt = () => {
      interrupted += 1;
      // Tokens already in flight still arrive: none may print below "Cancelling…" (the record keeps them).
      cancelling = true;
      if (interrupted > 1) process.exit(130);
      notice('Cancelling… (Ctrl-C again to quit)');
      client.runs.cancel.mutate({ id: runId }).catch((error: Error) => notice(`could not cancel: ${error.message}`));
    };
    interrupts.on('SIGINT', onInterrupt);
    const finish = (error?: unknown) => {
      interrupts.off('SIGINT', onInterrupt);
      subscription.unsubscribe();
      if (error) reject(error);
      else {
        if (!atLineStart) write('\n');
        resolve(resultOf(runId, ids, view));
      }
    };
    // What is printed as each event arrives; the state itself is the fold's (`view`).
    const render = (kind: RunEventKind) => {
      switch (kind.type) {
        case 'started':
          for (const warning of kind.warnings ?? []) notice(`⚠ ${warning}`);
          break;
        case 'token':
          if (!cancelling) write(kind.text);
          break;
        case 'tool_call_start':
          notice(`⚙ ${kind.tool_name} ${preview(kind.arguments)}`);
          break;
        case 'tool_call_end': {
          const name = view.tools.find((tool) => tool.id === kind.tool_id)?.name ?? kind.tool_id;
          notice(`${kind.success ? '✓' : '✗'} ${name}: ${preview(kind.result, 80)}`);
          break;
        }
        case 'approval_required':
          notice(
            `⏸ approval needed for: ${kind.approval.command}\n  approve: restflow security approve ${kind.approval.id}` +
              `   reject: restflow security reject ${kind.approval.id}`,
          );
          break;
        case 'failed':
          notice(`Error: ${kind.error}`);
          break;
        case 'cancelled':
          notice('(cancelled)');
          break;
        default:
          break;
      }
    };
    const subscription = client.runs.onEvents.subscribe(
      { run_id: runId },
      {
        onData: ({ data }) => {
          ids.session_id = data.session_id;
          ids.message_id = data.message_id;
          // A repeated event (reconnect overlap) is neither applied nor printed again.
          const fresh = data.seq > view.lastSeq;
          view = applyRunEvent(view, data);
          if (fresh) render(data.kind);
        },
        onError: (error) => finish(error),
        onComplete: () => finish(),
      },
    );
  });
}

/** Exit status of a watched run: 0 completed, 1 failed, 130 cancelled (as after SIGINT). */
export function exitCodeOf(result: RunResult): number {
  return result.status === 'completed' ? 0 : result.status === 'cancelled' ? 130 : 1;
}

/** `-i TEXT`, else all of stdin (so `echo hi | restflow agent exec …` works). */
export async function inputOrStdin(input: string | undefined): Promise<string> {
  if (input !== undefined) return input;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}
