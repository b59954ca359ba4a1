// Waits on observable conditions instead of sleeps: a test names what it waits for, and fails saying so.

/**
 * Polls `check` (sync or async) every `intervalMs` until it holds; fails with `what` after `timeoutMs`. A check
 * that throws fails the wait at once. Checks that are expensive themselves (a CLI process per look) should poll
 * less often, so they do not slow down what they wait for.
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
  intervalMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Poll interval for checks that spawn a CLI process each time. */
export const CLI_POLL_MS = 250;

/** Something with listeners per channel, such as core's EventBus. */
export interface ListenerCounter {
  listenerCount(channel: string): number;
}

/**
 * Resolves once `channel` has more than `already` listeners: a subscription has attached, so what is published
 * next reaches it.
 */
export function waitForListener(bus: ListenerCounter, channel: string, already = 0, timeoutMs = 5000): Promise<void> {
  return waitUntil(() => bus.listenerCount(channel) > already, timeoutMs, `a listener on ${channel}`);
}
