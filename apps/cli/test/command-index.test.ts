// The CLI loads only the module of the command it runs (command-index.ts): the index must name every command
// by the words its module answers to, and pick the right modules for a command line.
import { describe, expect, it } from '@jest/globals';
import { COMMAND_INDEX, commandsFor, firstCommandWord } from '../src/command-index.ts';
import { commandWords } from '../src/command-words.ts';

const wordsOf = (commands: { command?: string | readonly string[] }[]) => commands.flatMap((c) => commandWords(c));

describe('the command index', () => {
  it("names each command by its module's own words, each word once", async () => {
    for (const entry of COMMAND_INDEX) expect(commandWords(await entry.load())).toEqual(entry.words);
    const all = COMMAND_INDEX.flatMap((entry) => entry.words);
    expect(new Set(all).size).toBe(all.length);
  });

  it('finds the command word after global options, whose only value-taking one is --format', () => {
    expect(firstCommandWord(['agent', 'list'])).toBe('agent');
    expect(firstCommandWord(['--format', 'json', 'task', 'list'])).toBe('task');
    expect(firstCommandWord(['-v', 'run', 'writer', '--input', 'x'])).toBe('run');
    expect(firstCommandWord(['--format=json', '--verbose', 'status'])).toBe('status');
    expect(firstCommandWord(['--help'])).toBeUndefined();
  });

  it('loads the named command only, none for --version, all to list or suggest', async () => {
    expect(wordsOf(await commandsFor(['agent', 'list', '--format', 'json']))).toEqual(['agent']);
    expect(wordsOf(await commandsFor(['tasks', 'list']))).toEqual(['task', 'tasks']);
    expect(wordsOf(await commandsFor(['-v', 'run', 'writer']))).toEqual(['run']);
    expect(await commandsFor(['--version'])).toEqual([]);
    expect(await commandsFor(['--format', 'json', '--version'])).toEqual([]);
    const everything = COMMAND_INDEX.flatMap((entry) => entry.words);
    for (const argv of [[], ['--help'], ['frobnicate'], ['completions', 'zsh'], ['__complete', 'agent']])
      expect(wordsOf(await commandsFor(argv))).toEqual(everything);
  });
});
