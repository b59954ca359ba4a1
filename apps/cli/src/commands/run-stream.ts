// Watching one agent run from the CLI: tokens as they arrive, tool calls and approvals on stderr, Ctrl-C
// cancels the run (a second Ctrl-C leaves at once), and a final result object for `--format json`.
import type { RestflowClient } from '@restflow/api/client';
import type { Output } from '../output.ts';

type RunHandlers = NonNullable<Parameters<RestflowClient['runs']['onEvents']['subscribe']>[1]>;
type StreamEvent = Parameters<NonNullable<RunHandlers['onData']>>[0]['data'];
type Kind = StreamEvent['kind'];

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

/** Streams a run to the terminal until its terminal event; resolves with the result (never rejects on failure). */
export function watchRun(
  client: RestflowClient,
  runId: string,
  out: Output,
  options: WatchOptions = {},
): Promise<RunResult> {
  const interrupts = options.interrupts ?? process;
  const result: RunResult = {
    run_id: runId,
    session_id: null,
    message_id: null,
    status: 'failed',
    content: '',
    tool_calls: [],
  };
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
        resolve(result);
      }
    };
    const onKind = (kind: Kind) => {
      switch (kind.type) {
        case 'token':
          result.content += kind.text;
          if (!cancelling) write(kind.text);
          break;
        case 'tool_call_start':
          result.tool_calls.push({ tool_id: kind.tool_id, tool_name: kind.tool_name, arguments: kind.arguments });
          notice(`⚙ ${kind.tool_name} ${preview(kind.arguments)}`);
          break;
        case 'tool_call_end': {
          const call = result.tool_calls.find((c) => c.tool_id === kind.tool_id);
          if (call) Object.assign(call, { success: kind.success, result: kind.result });
          notice(`${kind.success ? '✓' : '✗'} ${call?.tool_name ?? kind.tool_id}: ${preview(kind.result, 80)}`);
          break;
        }
        case 'approval_required':
          notice(
            `⏸ approval needed for: ${kind.approval.command}\n  approve: restflow security approve ${kind.approval.id}` +
              `   reject: restflow security reject ${kind.approval.id}`,
          );
          break;
        case 'completed':
          Object.assign(result, {
            status: 'completed',
            content: kind.full_content,
            duration_ms: kind.duration_ms,
            total_tokens: kind.total_tokens,
          });
          break;
        case 'failed':
          Object.assign(result, {
            status: 'failed',
            error: kind.error,
            content: kind.partial_content ?? result.content,
          });
          notice(`Error: ${kind.error}`);
          break;
        case 'cancelled':
          Object.assign(result, { status: 'cancelled', content: kind.partial_content ?? result.content });
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
          result.session_id = data.session_id;
          result.message_id = data.message_id;
          onKind(data.kind);
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
