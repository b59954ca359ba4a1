// OpenAI Chat Completions (`POST /v1/chat/completions`) as the real API speaks it: `chat.completion.chunk`
// SSE frames with content / tool_calls deltas, a finish_reason frame, an optional usage frame, `data: [DONE]`.
// `reasoning_content` deltas are DeepSeek's (OpenAI-compatible) way of streaming thinking.
import { answerPieces, estimateTokens, finishReasonOf, resolveToolCalls } from './script.ts';
import { maskKey, nowSeconds, type RenderContext, type StreamSink, type WireFormat } from './wire.ts';

const FINISH = { stop: 'stop', tool_calls: 'tool_calls', max_tokens: 'length' } as const;

function usageOf(ctx: RenderContext, outputTokens: number) {
  const prompt = ctx.answer.usage?.input_tokens ?? estimateTokens(ctx.body.messages);
  const completion = ctx.answer.usage?.output_tokens ?? outputTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: ctx.answer.usage?.cached_tokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: ctx.answer.usage?.reasoning_tokens ?? 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export const openaiWire: WireFormat = {
  async stream(ctx, sink: StreamSink) {
    const { answer, body } = ctx;
    const id = `chatcmpl-fake${ctx.nextId()}`;
    const created = nowSeconds();
    const options = body.stream_options as { include_usage?: boolean } | undefined;
    const includeUsage = options?.include_usage === true;
    const frame = (choices: unknown[], usage?: unknown) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: body.model,
        system_fingerprint: 'fp_fake',
        choices,
        ...(includeUsage ? { usage: usage ?? null } : {}),
      })}\n\n`;
    const choice = (delta: Record<string, unknown>, finish: string | null = null) => ({
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finish,
    });

    if (!sink.write(frame([choice({ role: 'assistant', content: '', refusal: null })]))) return;
    const calls = resolveToolCalls(answer, 'call_fake', ctx.nextId);
    const pieces = answerPieces(answer, answer.interleaveToolCalls === true);
    for (const piece of pieces) {
      await sink.pause();
      if (sink.shouldDrop()) return sink.drop();
      let delta: Record<string, unknown>;
      if (piece.kind === 'text') delta = { content: piece.text };
      else if (piece.kind === 'thinking') delta = { reasoning_content: piece.text };
      else {
        const call = calls[piece.call]!;
        delta = {
          tool_calls: [
            piece.first
              ? {
                  index: piece.call,
                  id: call.id,
                  type: 'function',
                  function: { name: call.name, arguments: piece.args },
                }
              : { index: piece.call, function: { arguments: piece.args } },
          ],
        };
      }
      if (!sink.write(frame([choice(delta)]))) return;
    }
    if (!sink.write(frame([choice({}, FINISH[finishReasonOf(answer)])]))) return;
    if (includeUsage && !sink.write(frame([], usageOf(ctx, pieces.length)))) return;
    sink.write('data: [DONE]\n\n');
  },

  json(ctx) {
    const { answer, body } = ctx;
    const calls = resolveToolCalls(answer, 'call_fake', ctx.nextId);
    const pieces = answerPieces(answer, false);
    return {
      id: `chatcmpl-fake${ctx.nextId()}`,
      object: 'chat.completion',
      created: nowSeconds(),
      model: body.model,
      system_fingerprint: 'fp_fake',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: answer.text ?? (calls.length ? null : ''),
            refusal: null,
            ...(answer.thinking ? { reasoning_content: answer.thinking } : {}),
            ...(calls.length
              ? {
                  tool_calls: calls.map((c) => ({
                    id: c.id,
                    type: 'function',
                    function: { name: c.name, arguments: c.args },
                  })),
                }
              : {}),
          },
          logprobs: null,
          finish_reason: FINISH[finishReasonOf(answer)],
        },
      ],
      usage: usageOf(ctx, pieces.length),
    };
  },

  error(status, message, headers) {
    const key = headers.authorization?.replace(/^Bearer\s+/i, '');
    const [type, code, text] =
      status === 401
        ? [
            'invalid_request_error',
            'invalid_api_key',
            `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          ]
        : status === 403
          ? [
              'invalid_request_error',
              'unsupported_country_region_territory',
              'Country, region, or territory not supported',
            ]
          : status === 429
            ? ['requests', 'rate_limit_exceeded', 'Rate limit reached for requests. Please try again later.']
            : status >= 500
              ? ['server_error', null, 'The server had an error while processing your request. Sorry about that!']
              : ['invalid_request_error', null, 'Invalid request.'];
    return {
      status,
      headers: { 'x-request-id': `req_fake${Date.now()}` },
      body: { error: { message: message ?? text, type, param: null, code } },
    };
  },
};
