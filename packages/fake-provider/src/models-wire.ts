// `GET /v1/models` in both providers' formats: Anthropic's paged `{data:[{type:"model", id, display_name,
// created_at}], has_more, first_id, last_id}` (asked for with an `anthropic-version` header, as its SDK does)
// and OpenAI's `{object:"list", data:[{id, object:"model", created, owned_by}]}`.
import type { IncomingHttpHeaders } from 'node:http';
import { nowSeconds } from './wire.ts';

export type ModelsApi = 'openai' | 'anthropic';

/** What each format lists unless a test says otherwise. */
export const DEFAULT_FAKE_MODELS: Readonly<Record<ModelsApi, readonly string[]>> = Object.freeze({
  openai: ['gpt-5.4', 'gpt-5-mini', 'fake-local-llm'],
  anthropic: ['claude-sonnet-5-5', 'claude-haiku-5-5'],
});

export const modelsApiOf = (headers: IncomingHttpHeaders): ModelsApi =>
  headers['anthropic-version'] ? 'anthropic' : 'openai';

export function renderModels(api: ModelsApi, ids: readonly string[], query: URLSearchParams): unknown {
  const created = nowSeconds();
  if (api === 'openai') {
    return { object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: 'fake-provider' })) };
  }
  // Anthropic pages with after_id / limit; honoured so the SDK's auto-pagination is exercised.
  const after = query.get('after_id');
  const limit = Math.max(1, Number(query.get('limit') ?? 20) || 20);
  const start = after ? ids.indexOf(after) + 1 : 0;
  const page = ids.slice(start, start + limit);
  return {
    data: page.map((id) => ({
      type: 'model',
      id,
      display_name: id,
      created_at: new Date(created * 1000).toISOString(),
      deprecated_at: null,
      lifecycle: 'active',
      capabilities: null,
      line: null,
      max_input_tokens: null,
    })),
    has_more: start + limit < ids.length,
    first_id: page[0] ?? null,
    last_id: page.at(-1) ?? null,
  };
}
