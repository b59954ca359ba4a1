// Anthropic Messages (`POST /v1/messages`) as the real API speaks it: named SSE events message_start, ping,
// content_block_start / _delta / _stop (thinking, text, tool_use blocks), message_delta (stop_reason, usage),
// message_stop; errors as `{type:"error", error:{type, message}}`.
import { type AnswerPiece, answerPieces, estimateTokens, finishReasonOf, resolveToolCalls } from './script.ts';
import type { RenderContext, StreamSink, WireFormat } from './wire.ts';

const STOP = { stop: 'end_turn', tool_calls: 'tool_use', max_tokens: 'max_tokens' } as const;
const SIGNATURE = 'ZmFrZS10aGlua2luZy1zaWduYXR1cmU=';

const event = (type: string, data: Record<string, unknown>) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

function inputTokens(ctx: RenderContext): number {
  return ctx.answer.usage?.input_tokens ?? estimateTokens([ctx.body.system, ctx.body.messages]);
}

/** Anthropic's `input_tokens` leaves out what was read from the cache; that is `cache_read_input_tokens`. */
function inputUsage(ctx: RenderContext) {
  const cached = ctx.answer.usage?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, inputTokens(ctx) - cached),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cached,
  };
}

/** The block a piece belongs to: thinking, text, or one per tool call. */
const blockKey = (piece: AnswerPiece) => (piece.kind === 'tool' ? `tool:${piece.call}` : piece.kind);

export const anthropicWire: WireFormat = {
  async stream(ctx, sink: StreamSink) {
    const { answer, body } = ctx;
    const calls = resolveToolCalls(answer, 'toolu_fake', ctx.nextId);
    const message = {
      id: `msg_fake${ctx.nextId()}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...inputUsage(ctx), output_tokens: 1 },
    };
    if (!sink.write(event('message_start', { message }))) return;
    if (!sink.write(event('ping', {}))) return;

    // Anthropic streams content blocks one after another, so tool calls are never interleaved here.
    const pieces = answerPieces(answer, false);
    let index = -1;
    let open: string | undefined;
    const closeBlock = () => {
      if (open === 'thinking' && !sink.write(event('content_block_delta', { index, delta: signatureDelta() })))
        return false;
      return sink.write(event('content_block_stop', { index }));
    };
    for (const piece of pieces) {
      const key = blockKey(piece);
      if (key !== open) {
        if (open !== undefined && !closeBlock()) return;
        index++;
        open = key;
        const block =
          piece.kind === 'thinking'
            ? { type: 'thinking', thinking: '', signature: '' }
            : piece.kind === 'text'
              ? { type: 'text', text: '' }
              : { type: 'tool_use', id: calls[piece.call]!.id, name: calls[piece.call]!.name, input: {} };
        if (!sink.write(event('content_block_start', { index, content_block: block }))) return;
      }
      await sink.pause();
      if (sink.shouldDrop()) return sink.drop();
      const delta =
        piece.kind === 'thinking'
          ? { type: 'thinking_delta', thinking: piece.text }
          : piece.kind === 'text'
            ? { type: 'text_delta', text: piece.text }
            : { type: 'input_json_delta', partial_json: piece.args };
      if (!sink.write(event('content_block_delta', { index, delta }))) return;
    }
    if (open !== undefined && !closeBlock()) return;
    const output = answer.usage?.output_tokens ?? pieces.length;
    const delta = { stop_reason: STOP[finishReasonOf(answer)], stop_sequence: null };
    if (!sink.write(event('message_delta', { delta, usage: { output_tokens: output } }))) return;
    sink.write(event('message_stop', {}));
  },

  json(ctx) {
    const { answer, body } = ctx;
    const calls = resolveToolCalls(answer, 'toolu_fake', ctx.nextId);
    const content: unknown[] = [];
    if (answer.thinking) content.push({ type: 'thinking', thinking: answer.thinking, signature: SIGNATURE });
    if (answer.text) content.push({ type: 'text', text: answer.text });
    for (const call of calls) {
      content.push({ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(call.args || '{}') });
    }
    return {
      id: `msg_fake${ctx.nextId()}`,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content,
      stop_reason: STOP[finishReasonOf(answer)],
      stop_sequence: null,
      usage: {
        ...inputUsage(ctx),
        output_tokens: answer.usage?.output_tokens ?? answerPieces(answer, false).length,
      },
    };
  },

  error(status, message, headers) {
    const [type, text] =
      status === 401
        ? ['authentication_error', headers['x-api-key'] ? 'invalid x-api-key' : 'Invalid bearer token']
        : status === 403
          ? ['permission_error', 'Your API key does not have permission to use the specified resource.']
          : status === 404
            ? ['not_found_error', 'The requested resource could not be found.']
            : status === 429
              ? ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit']
              : status === 529
                ? ['overloaded_error', 'Overloaded']
                : status >= 500
                  ? ['api_error', 'Internal server error']
                  : ['invalid_request_error', 'Invalid request.'];
    const requestId = `req_fake${Date.now()}`;
    return {
      status,
      headers: { 'request-id': requestId },
      body: { type: 'error', error: { type, message: message ?? text }, request_id: requestId },
    };
  },
};

function signatureDelta() {
  return { type: 'signature_delta', signature: SIGNATURE };
}
