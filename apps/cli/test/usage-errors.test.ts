// Usage errors are caught by the CLI itself: exit 2, one line naming the option, no daemon started.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, runCli, tempDataDir } from '@restflow/testkit';

const dataDir = tempDataDir();
afterAll(() => removeDataDir(dataDir));

describe('CLI usage errors', () => {
  it('a number option or positional given text names it and exits 2 without reaching the daemon', async () => {
    const cases: [string[], string][] = [
      [['memory', 'search', 'x', '--limit', 'abc'], 'Error: limit: must be a number'],
      [
        ['memory', 'search', 'x', '-n', 'abc', '--min-score', 'high'],
        'Error: limit: must be a number; min-score: must be a number',
      ],
      [['security', 'allowlist', 'remove', 'first'], 'Error: index: must be a number'],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(args, { dataDir });
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr.split('\n')[0]).toBe(message);
      expect(result.stderr).toContain("Run 'restflow --help' for usage.");
    }
    expect(fs.existsSync(resolvePaths(dataDir).pidFile)).toBe(false);
    expect(fs.existsSync(resolvePaths(dataDir).pipe)).toBe(false);
  });
});
