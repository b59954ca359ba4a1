// The provider SDKs (openai, @anthropic-ai/sdk) are most of the code a daemon would otherwise parse before it
// serves anything: they are imported on a client's first request instead (the bundle keeps them in chunks of
// their own: scripts/bundle.mjs), so start-up never pays for a provider no run has called yet.
import type { LlmProvider } from '../models/catalogue.ts';
import type { CompletionRequest, LlmClient, StreamChunk } from './types.ts';

/** An LlmClient that builds the real one (loading its SDK) when the first completion is asked for. */
export function lazyClient(provider: LlmProvider, load: () => Promise<LlmClient>): LlmClient {
  let loaded: Promise<LlmClient> | undefined;
  return {
    provider,
    async *stream(request: CompletionRequest, signal: AbortSignal): AsyncGenerator<StreamChunk> {
      loaded ??= load();
      yield* (await loaded).stream(request, signal);
    },
  };
}
