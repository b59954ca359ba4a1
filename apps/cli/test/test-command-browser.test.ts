// The README's test command ensures the console tests' browser before jest runs (scripts/ensure-browser.mjs).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { removeDataDir, repoRoot, tempDataDir } from '@restflow/testkit';

const script = path.join(repoRoot, 'scripts/ensure-browser.mjs');
const run = (env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [script], { env: { ...process.env, ...env }, encoding: 'utf8' });

describe('npm test ensures its browser', () => {
  it('runs before jest, passes silently on a present browser, stops with one line on a missing one', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.test).toMatch(/npm run test:browser && npm run test:jest$/);
    expect(pkg.scripts['test:browser']).toBe('node scripts/ensure-browser.mjs');
    // CI runs the README's test command, then the jest suite again on Node 24 (scripts/node24.sh).
    const ci = fs.readFileSync(path.join(repoRoot, '.ci/run'), 'utf8');
    expect(ci).toMatch(/\nnpm test\n/);
    expect(ci).toMatch(/\nnpm run test:node24\n$/);

    const dir = tempDataDir();
    try {
      const fakeBrowser = path.join(dir, 'chromium');
      fs.writeFileSync(fakeBrowser, '#!/bin/sh\n', { mode: 0o755 });
      expect(run({ RESTFLOW_CHROMIUM: fakeBrowser })).toMatchObject({ status: 0, stdout: '', stderr: '' });
      const missing = run({ RESTFLOW_CHROMIUM: path.join(dir, 'nope') });
      expect(missing.status).toBe(1);
      expect(missing.stderr.trim().split('\n')).toEqual([
        `RESTFLOW_CHROMIUM=${path.join(dir, 'nope')} is not an executable file: point it at a Chromium or Chrome binary.`,
      ]);
    } finally {
      removeDataDir(dir);
    }
  });
});
