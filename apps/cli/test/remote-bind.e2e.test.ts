// `restflow daemon start|restart --host …`: beyond loopback only once an API token exists, with a message that
// says how to get one.
import { afterAll, describe, expect, it } from '@jest/globals';
import { dataDirPool, runCli, runCliJson, stopDaemonFor } from '@restflow/testkit';

const dirs = dataDirPool();
afterAll(() => dirs.cleanup());

interface Status {
  running: boolean;
  transports: { kind: string; address: string }[];
}

describe('daemon --host', () => {
  it('refuses 0.0.0.0 without an API token and binds it once one exists', async () => {
    const dataDir = dirs.create();
    const opts = { dataDir, timeoutMs: 60_000 };
    try {
      const refused = await runCli(['daemon', 'start', '--host', '0.0.0.0', '-p', '0'], opts);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('refusing to serve HTTP on 0.0.0.0');
      expect(refused.stderr).toContain('restflow token create');
      expect((await runCliJson<Status>(['status'], opts)).running).toBe(false);
      expect((await runCli(['daemon', 'start', '--host', ''], opts)).code).toBe(2);

      // The token command starts the daemon on loopback; a restart moves it to every interface.
      const created = await runCliJson<{ token: string }>(['token', 'create', '--name', 'remote'], opts);
      const restarted = await runCli(['daemon', 'restart', '--host', '0.0.0.0', '-p', '0'], opts);
      expect(restarted.code).toBe(0);
      const status = await runCliJson<Status>(['status'], opts);
      const http = status.transports.find((t) => t.kind === 'http')?.address as string;
      expect(http).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
      const url = `http://127.0.0.1:${new URL(http).port}/trpc/system.ping`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${created.token}` } })).status).toBe(200);
    } finally {
      await stopDaemonFor(dataDir);
    }
  }, 180_000);
});
