// The processes of a daemon-and-worker e2e test, stopped in order: the worker before the daemon it talks to, the
// daemon before the Redis it queues on.
import type { RestflowClient } from '@restflow/api/client';
import type { FakeProvider } from '@restflow/fake-provider';
import { removeDataDir, type TestDaemon, type TestRedis, type TestWorker } from '@restflow/testkit';

export interface WorkerStack {
  worker?: TestWorker;
  pipe?: RestflowClient;
  daemon?: TestDaemon;
  fake?: FakeProvider;
  redis?: TestRedis;
  dataDir: string;
}

/** Stops whatever of the stack was started (a failed beforeAll leaves parts unset). */
export async function stopWorkerStack(stack: WorkerStack): Promise<void> {
  await stack.worker?.stop();
  stack.pipe?.close();
  await stack.daemon?.stop();
  await stack.fake?.close();
  await stack.redis?.stop();
  removeDataDir(stack.dataDir);
}
