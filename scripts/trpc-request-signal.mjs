// A transform of tRPC's WebSocket connection handler for scripts/trpc-bundle-patches.mjs. The handler (which the
// pipe and the WebSocket mounts use) makes an AbortController for every request, queries and mutations too, whose
// signal nothing can abort: only a subscription's is kept, to be aborted by `subscription.stop` or the connection's
// close. On Node an AbortSignal outlives the young generation's collections (an EventTarget), so one per call made
// three quarters of what each scavenge had to copy under the pipe load, and its pauses 0.5–2 ms (bench/RESULTS.md,
// "what survives a scavenge"). The bundled handler makes the controller for subscriptions only; a query or mutation
// gets no signal, as tRPC's procedure options allow (`signal: AbortSignal | undefined`), and none of ours reads it.

/** The request's controller and the procedure call it feeds, as both of tRPC's builds (mjs and cjs) write them. */
const PER_REQUEST =
  /const abortController = new AbortController\(\);(\s*const result = await [\w.$]*callProcedure\(\{[^}]*?)signal: abortController\.signal,/;

const SUBSCRIPTIONS_ONLY =
  'const abortController = type === "subscription" ? new AbortController() : null;$1signal: abortController === null ? void 0 : abortController.signal,';

/** Whether `source` is the file of tRPC's WebSocket connection handler. */
export const isWsHandler = (source) => source.includes('function getWSConnectionHandler(');

/** The handler's source with a controller for subscriptions only; throws when it is not written as expected. */
export function withSubscriptionSignalsOnly(source) {
  if (!isWsHandler(source)) return source;
  if (!PER_REQUEST.test(source)) {
    throw new Error(
      "trpc-request-signal: tRPC's WebSocket handler does not make its per-request AbortController as this patch expects — check it against this tRPC",
    );
  }
  return source.replace(PER_REQUEST, SUBSCRIPTIONS_ONLY);
}
