// The tools sandbox probe runs beside the daemon's start-up (boot.ts starts it before the code loads), but
// nothing is served before its verdict: the first request already sees the sandbox every tool call will use.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createRestflowClient } from '@restflow/api/client';
import { noSandbox, type ToolSandbox } from '@restflow/core';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, startTestDaemon, type TestDaemon, tempDataDir, waitUntil } from '@restflow/testkit';
import { createLogger, type RunningDaemon, startDaemon } from '../src/index.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = tempDataDir('rf-start-order');
  cleanups.push(() => removeDataDir(dir));
  return dir;
}

describe('start-up order', () => {
  it('serves nothing until the sandbox probe has answered, then reports its verdict', async () => {
    const dataDir = tempDir();
    let answer: (sandbox: ToolSandbox) => void = () => {};
    const probe = new Promise<ToolSandbox>((resolve) => {
      answer = resolve;
    });
    let daemon: RunningDaemon | undefined;
    const starting = startDaemon({ dataDir, logger: createLogger(undefined, 'silent'), http: false, sandbox: probe });
    void starting.then((d) => {
      daemon = d;
    });
    cleanups.push(async () => (await starting).stop('test over'));
    const { database, pipe } = resolvePaths(dataDir);
    // The database opens while the probe runs; the pipe waits for it.
    await waitUntil(() => fs.existsSync(database), 10_000, 'the database to be opened');
    expect(fs.existsSync(pipe)).toBe(false);
    expect(daemon).toBeUndefined();

    const verdict = noSandbox('held back by the test');
    answer(verdict);
    const started = await starting;
    expect(started.services.sandbox).toBe(verdict);
    const client = createRestflowClient({ pipePath: pipe });
    try {
      const status = await client.system.status.query();
      expect(status).toMatchObject({ tools_sandbox: 'none', tools_sandbox_warning: 'held back by the test' });
    } finally {
      client.close();
    }
  });

  it('probes the sandbox itself when not handed one', async () => {
    const daemon = await startDaemon({
      dataDir: tempDir(),
      logger: createLogger(undefined, 'silent'),
      http: false,
      env: { ...process.env, RESTFLOW_TOOL_SANDBOX: 'off' },
    });
    cleanups.push(() => daemon.stop('test over'));
    expect(daemon.status()).toMatchObject({ tools_sandbox: 'none' });
    expect(daemon.status().tools_sandbox_warning).toContain('RESTFLOW_TOOL_SANDBOX=off');
  });

  it('the daemon process answers its first request with the bubblewrap sandbox already proven', async () => {
    const cache = tempDir();
    const proven = path.join(cache, 'sandbox-proven.json');
    // The first start probes and remembers the verdict in the per-user cache; the second uses it (a probe would
    // write the file again).
    let writtenAt: number | undefined;
    for (const start of ['probed', 'remembered']) {
      const daemon: TestDaemon = await startTestDaemon(tempDir(), { RESTFLOW_HTTP: 'off', RESTFLOW_CACHE_DIR: cache });
      const client = createRestflowClient({ pipePath: daemon.pipe });
      try {
        // CI installs bubblewrap (.ci/run): the first status after the first ping names it, never "detecting".
        const status = await client.system.status.query();
        expect({ start, ...status }).toMatchObject({ start, tools_sandbox: 'bubblewrap', tools_sandbox_warning: null });
        expect(JSON.parse(fs.readFileSync(proven, 'utf8')).proven.bwrap).toMatch(/bwrap$/);
        if (writtenAt !== undefined)
          expect({ start, mtime: fs.statSync(proven).mtimeMs }).toEqual({ start, mtime: writtenAt });
        writtenAt = fs.statSync(proven).mtimeMs;
      } finally {
        client.close();
        await daemon.stop();
      }
    }
  });

  it('loads the HTTP side once the pipe has answered its first request, not before', async () => {
    const dataDir = tempDir();
    const starting = startDaemon({
      dataDir,
      logger: createLogger(undefined, 'silent'),
      http: { host: '127.0.0.1', port: 0 },
      httpAfterFirstAnswerMs: 60_000,
    });
    cleanups.push(async () => (await starting).stop('test over'));
    const { pipe, httpInfoFile } = resolvePaths(dataDir);
    await waitUntil(() => fs.existsSync(pipe), 10_000, 'the pipe');
    // The pipe answers while the HTTP side waits for that answer.
    const client = createRestflowClient({ pipePath: pipe });
    try {
      // Answered before the HTTP side was mounted (it loads once this answer is written).
      const first = await client.system.status.query();
      expect(first.transports.map((t) => t.kind)).toEqual(['pipe']);
      const daemon = await starting;
      expect(daemon.status().transports.map((t) => t.kind)).toContain('http');
      expect(fs.existsSync(httpInfoFile)).toBe(true);
    } finally {
      client.close();
    }
  });

  it('loads the HTTP side after httpAfterFirstAnswerMs when no client asks', async () => {
    const daemon = await startDaemon({
      dataDir: tempDir(),
      logger: createLogger(undefined, 'silent'),
      http: { host: '127.0.0.1', port: 0 },
      httpAfterFirstAnswerMs: 50,
    });
    cleanups.push(() => daemon.stop('test over'));
    expect(daemon.status().transports.map((t) => t.kind)).toContain('http');
  });
});
