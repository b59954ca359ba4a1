// `restflow memory …` against a real auto-started daemon.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { removeDataDir, runCli, runCliJson, stopDaemonFor, tempDataDir } from '@restflow/testkit';

const dataDir = tempDataDir();
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-memory-work-'));
afterAll(async () => {
  await stopDaemonFor(dataDir);
  removeDataDir(dataDir);
  fs.rmSync(workDir, { recursive: true, force: true });
});

const opts = { dataDir };

interface Chunk {
  id: string;
  agent_id: string;
  content: string;
  tags: string[];
}
interface SearchResult {
  chunks: Chunk[];
  total_count: number;
  has_more: boolean;
}

describe('restflow memory', () => {
  it('adds, lists, shows, searches (every mode, tags, ranked) and deletes', async () => {
    const redis = await runCliJson<Chunk>(
      ['memory', 'add', 'Redis timeout of 5 ms in prod', '--tags', 'ops,redis'],
      opts,
    );
    expect(redis).toMatchObject({ content: 'Redis timeout of 5 ms in prod', tags: ['ops', 'redis'] });
    const added = await runCli(['memory', 'add', 'User prefers metric units', '--tags', 'pref'], opts);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^Memory stored: chunk-[0-9a-f-]{36} \(agent [0-9a-f]{8}\)\n$/);
    expect(added.stderr).toMatch(/Agent: .+, the default; --agent NAME picks another/);
    // Storing the same content again returns the existing chunk.
    expect((await runCliJson<Chunk>(['memory', 'add', 'Redis timeout of 5 ms in prod'], opts)).id).toBe(redis.id);

    const list = await runCli(['memory', 'list'], opts);
    expect(list.code).toBe(0);
    for (const header of ['ID', 'Agent', 'Created', 'Tags', 'Preview']) expect(list.stdout).toContain(header);
    expect(list.stdout).toContain(redis.id.slice(0, 14));
    expect(list.stdout).toContain('Default Assistant');
    expect(list.stdout).toContain('User prefers metric units');
    const byTag = await runCliJson<Chunk[]>(['memory', 'list', '--tag', 'pref'], opts);
    expect(byTag.map((c) => c.content)).toEqual(['User prefers metric units']);

    const shown = await runCli(['memory', 'show', redis.id.slice(6, 14)], opts);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`ID:      ${redis.id}`);
    expect(shown.stdout).toContain('Tags:    ops, redis');

    const keyword = await runCliJson<SearchResult>(['memory', 'search', 'REDIS prod'], opts);
    expect(keyword.chunks.map((c) => c.id)).toEqual([redis.id]);
    const phrase = await runCliJson<SearchResult>(['memory', 'search', 'metric units', '--mode', 'phrase'], opts);
    expect(phrase.total_count).toBe(1);
    const regex = await runCliJson<SearchResult>(['memory', 'search', '\\d+ ms', '--mode', 'regex'], opts);
    expect(regex.chunks.map((c) => c.id)).toEqual([redis.id]);
    const tagged = await runCliJson<SearchResult>(['memory', 'search', 'e', '--tag', 'ops', '--tag', 'redis'], opts);
    expect(tagged.total_count).toBe(1);
    const none = await runCliJson<SearchResult>(['memory', 'search', 'e', '--tag', 'ops', '--tag', 'pref'], opts);
    expect(none.total_count).toBe(0);
    const text = await runCli(['memory', 'search', 'redis', '--ranked', '--preset', 'recency_focused'], opts);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Score');
    expect(text.stdout).toContain('1 of 1 results');
    const badRegex = await runCli(['memory', 'search', '(', '--mode', 'regex'], opts);
    expect(badRegex.code).toBe(1);
    // The defaulted agent is named first (stderr), then the error.
    expect(badRegex.stderr).toMatch(/\nError: query: invalid regular expression: missing closing \): `\(`\n$/);

    expect((await runCli(['memory', 'delete', redis.id.slice(0, 14)], opts)).stdout).toBe(
      `Memory chunk deleted: ${redis.id}\n`,
    );
    const missing = await runCli(['memory', 'delete', redis.id], opts);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not found');
  });

  it('exports to a file (-o), reports stats and clears an agent', async () => {
    const agent = await runCliJson<{ id: string }>(['agent', 'create', '-n', 'Writer'], opts);
    const short = agent.id.slice(0, 8);
    await runCliJson(['memory', 'add', 'Draft the launch post', '--agent', short, '--tags', 'todo'], opts);
    await runCliJson(['memory', 'add', 'Launch is on Friday', '--agent', short], opts);

    const file = path.join(workDir, 'writer.md');
    const exported = await runCli(['memory', 'export', '--agent', short, '-o', file], opts);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe(`${file}\n`);
    const markdown = fs.readFileSync(file, 'utf8');
    expect(markdown.startsWith(`# Memory Export: Agent ${agent.id}\n`)).toBe(true);
    expect(markdown).toContain('Draft the launch post');
    expect(markdown).toContain('Tags: `todo`');

    const minimal = await runCliJson<{ path: string; chunk_count: number; suggested_filename: string }>(
      ['memory', 'export', '--agent', short, '--preset', 'minimal', '-o', path.join(workDir, 'min.md')],
      opts,
    );
    expect(minimal).toMatchObject({ chunk_count: 2, suggested_filename: `memory-${agent.id}-all.md` });
    expect(fs.readFileSync(minimal.path, 'utf8')).not.toContain('<!--');

    const statsText = await runCli(['memory', 'stats'], opts);
    expect(statsText.code).toBe(0);
    expect(statsText.stdout).toContain('Writer');
    expect(statsText.stdout).toContain('Default Assistant');
    const stats = await runCliJson<{ agent_id: string; chunk_count: number }>(
      ['memory', 'stats', '--agent', short],
      opts,
    );
    expect(stats).toMatchObject({ agent_id: agent.id, chunk_count: 2 });

    const cleared = await runCli(['memory', 'clear', '--agent', short], opts);
    expect(cleared.stdout).toBe('Deleted 2 memory chunks\n');
    expect((await runCli(['memory', 'clear'], opts)).code).toBe(2);
    expect(await runCliJson(['memory', 'list', '--agent', short], opts)).toEqual([]);
  });
});
