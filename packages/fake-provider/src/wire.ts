// What the two wire renderers share: the sink a streamed answer is written to, and error bodies.
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeAnswer } from './script.ts';

export interface StreamSink {
  /** Writes one SSE frame; false when the client has gone away. */
  write(frame: string): boolean;
  /** Awaits the scripted pause before a delta. */
  pause(): Promise<void>;
  /** Counts a delta; true when the script says to cut the connection now. */
  shouldDrop(): boolean;
  drop(): void;
}

export interface RenderContext {
  body: Record<string, unknown>;
  answer: FakeAnswer;
  nextId: () => number;
}

export interface ErrorRendering {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface WireFormat {
  stream(ctx: RenderContext, sink: StreamSink): Promise<void>;
  json(ctx: RenderContext): unknown;
  error(status: number, message: string | undefined, headers: IncomingHttpHeaders): ErrorRendering;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Shows a key the way providers echo it back in errors: the ends only. */
export function maskKey(key: string | undefined): string {
  if (!key) return '<none>';
  return key.length <= 8 ? '***' : `${key.slice(0, 3)}***${key.slice(-4)}`;
}
