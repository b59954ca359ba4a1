// Hooks the end-to-end tests use to make a real daemon misbehave. Honoured only in a test run (NODE_ENV=test,
// which jest sets and the processes it starts inherit), so a user's environment can never trigger them.
const inTestRun = (env: NodeJS.ProcessEnv) => env.NODE_ENV === 'test';

/** RESTFLOW_TEST_CRASH_AT_BOOT=1: the daemon exits with code 1 before it opens anything (a crash loop). */
export function crashAtBootRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return inTestRun(env) && env.RESTFLOW_TEST_CRASH_AT_BOOT === '1';
}

/** RESTFLOW_TEST_PROTOCOL_VERSION=N: `system.status` reports protocol N (an older or newer daemon). */
export function reportedProtocolVersion(actual: number, env: NodeJS.ProcessEnv = process.env): number {
  const override = inTestRun(env) ? Number(env.RESTFLOW_TEST_PROTOCOL_VERSION) : Number.NaN;
  return Number.isInteger(override) && override > 0 ? override : actual;
}
