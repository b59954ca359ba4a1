// A transform of tRPC's WebSocket connection handler for scripts/trpc-bundle-patches.mjs. A subscription's loop waits
// for each event with `Unpromise.race([iterator.next(), abortPromise])`, which caches a proxy of every event's promise
// in a WeakMap: entries that outlived the young generation's collections, a third of what each scavenge copied under
// the pipe load once the requests' AbortControllers were gone (bench/RESULTS.md). The bundled loop waits on one
// promise per event instead, which the stop signal's handler settles with "abort" if it comes first: nothing is held
// from one event to the next, so nothing piles up on a long subscription either (what Unpromise is for).
import { isWsHandler } from './trpc-request-signal.mjs';

const ABORT_PROMISE =
  /const abortPromise = new Promise\(\(resolve\) => \{\s*abortController\.signal\.onabort = \(\) => resolve\("abort"\);\s*\}\);/;
const RACE = /next = await [\w.$]*Unpromise\.race\(\[(iterator\.next\(\)\.catch\([\w.$]+\)), abortPromise\]\);/;

const ABORT_WAITER =
  'let abortWaiter = null; let abortSeen = false; abortController.signal.onabort = () => { abortSeen = true; if (abortWaiter !== null) abortWaiter("abort"); };';
const WAIT =
  'next = abortSeen ? "abort" : await new Promise((resolve, reject) => { abortWaiter = resolve; $1.then(resolve, reject); }); abortWaiter = null;';

/** The handler's source with the event wait above; throws when it is not written as expected. */
export function withPlainEventWait(source) {
  if (!isWsHandler(source)) return source;
  if (!ABORT_PROMISE.test(source) || !RACE.test(source)) {
    throw new Error(
      "trpc-subscription-race: tRPC's WebSocket handler does not wait for events as this patch expects — check it against this tRPC",
    );
  }
  return source.replace(ABORT_PROMISE, ABORT_WAITER).replace(RACE, WAIT);
}
