// Usage errors are caught by the CLI itself: exit 2, one line naming the option, no daemon started.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from '@jest/globals';
import { resolvePaths } from '@restflow/paths';
import { removeDataDir, runCli, tempDataDir } from '@restflow/testkit';

const dataDir = tempDataDir();
afterAll(() => removeDataDir(dataDir));

describe('CLI usage errors', () => {
  it('a number option or positional given text names it and exits 2 without reaching the daemon', async () => {
    const cases: [string[], string, string][] = [
      [['memory', 'search', 'x', '--limit', 'abc'], 'Error: limit: must be a number', 'restflow memory search --help'],
      [
        ['memory', 'search', 'x', '-n', 'abc', '--min-score', 'high'],
        'Error: limit: must be a number; min-score: must be a number',
        'restflow memory search --help',
      ],
      [
        ['security', 'allowlist', 'remove', 'first'],
        'Error: index: must be a number',
        'restflow security allowlist --help',
      ],
      // Unknown words are named as what they are, with the --help that lists the right ones.
      [['frobnicate'], 'Error: unknown command "frobnicate"', 'restflow --help'],
      [['agent', 'frobnicate'], 'Error: unknown agent sub-command "frobnicate"', 'restflow agent --help'],
      [
        ['--format', 'text', 'task', 'paws', 'x'],
        'Error: unknown task sub-command "paws"; did you mean "pause"?',
        'restflow task --help',
      ],
    ];
    for (const [args, message, help] of cases) {
      const result = await runCli(args, { dataDir });
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(result.stderr.split('\n')[0]).toBe(message);
      expect(result.stderr).toContain(`Run '${help}' for usage.`);
    }
    // --format json: the usage error is one JSON object on stderr, stdout stays empty.
    const json = await runCli(['agent', 'frobnicate', '--format', 'json'], { dataDir });
    expect([json.code, json.stdout]).toEqual([2, '']);
    expect(JSON.parse(json.stderr)).toEqual({
      error: {
        code: 'USAGE',
        message: 'unknown agent sub-command "frobnicate"',
        hint: "Run 'restflow agent --help' for usage.",
      },
    });
    expect(fs.existsSync(resolvePaths(dataDir).pidFile)).toBe(false);
    expect(fs.existsSync(resolvePaths(dataDir).pipe)).toBe(false);
  });
});
