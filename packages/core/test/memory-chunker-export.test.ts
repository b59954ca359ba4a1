import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import {
  chunkMessages,
  chunkText,
  DEFAULT_CHUNKER_OPTIONS,
  EXPORT_PRESETS,
  NotFoundError,
  resolveExportOptions,
} from '../src/index.ts';

const words = (n: number, prefix = 'w') => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(' ');

describe('chunkText', () => {
  it('returns nothing for blank text and one trimmed chunk for short text', () => {
    expect(DEFAULT_CHUNKER_OPTIONS).toEqual({ chunk_size: 1600, overlap: 320, min_chunk_size: 200 });
    expect(chunkText('')).toEqual([]);
    expect(chunkText('  \n\t ')).toEqual([]);
    expect(chunkText('  short text  ')).toEqual(['short text']);
    const exact = 'x'.repeat(1600);
    expect(chunkText(exact)).toEqual([exact]);
  });

  it('cuts at word boundaries with the configured overlap, covering all the text', () => {
    const text = words(1000); // ~5.9k characters
    const chunks = chunkText(text);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(1600);
      // Whole words only: every piece is one of the generated words.
      expect(chunk.split(' ').every((w) => /^w\d+$/.test(w))).toBe(true);
    }
    for (let i = 1; i < chunks.length; i++) {
      const prevWords = (chunks[i - 1] as string).split(' ');
      const firstWord = (chunks[i] as string).split(' ')[0] as string;
      const overlapStart = prevWords.indexOf(firstWord);
      expect(overlapStart).toBeGreaterThan(0);
      const shared = prevWords.slice(overlapStart).join(' ').length;
      expect(shared).toBeGreaterThan(200);
      expect(shared).toBeLessThanOrEqual(320);
    }
    expect((chunks[0] as string).startsWith('w0 ')).toBe(true);
    expect((chunks.at(-1) as string).endsWith('w999')).toBe(true);
  });

  it('hard-cuts text without whitespace and never splits a surrogate pair', () => {
    const emoji = '😀'.repeat(2000);
    const chunks = chunkText(emoji, { chunk_size: 500, overlap: 100, min_chunk_size: 50 });
    expect(chunks.every((c) => [...c].every((ch) => ch === '😀'))).toBe(true);
    expect([...(chunks[0] as string)]).toHaveLength(500);
    const noSpaces = 'a'.repeat(3500);
    expect(chunkText(noSpaces).map((c) => c.length)).toEqual([1600, 1600, 940]);
  });

  it('merges a final piece shorter than min_chunk_size into the chunk before it', () => {
    const text = words(50); // ~240 chars
    const chunks = chunkText(text, { chunk_size: 100, overlap: 0, min_chunk_size: 60 });
    expect(chunks.join(' ')).toBe(text);
    expect((chunks.at(-1) as string).length).toBeGreaterThanOrEqual(60);
    const plain = chunkText(text, { chunk_size: 100, overlap: 0, min_chunk_size: 0 });
    expect(plain.join(' ')).toBe(text);
  });

  it('formats conversations as [role]: content blocks', () => {
    expect(
      chunkMessages([
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
      ]),
    ).toEqual(['[user]: hi\n\n[assistant]: hello']);
  });
});

describe('memory export', () => {
  function exportFixture() {
    const s = createTestServices();
    const agent = s.agents.create('A').id;
    const session = s.memory.createSession({ agent_id: agent, name: 'Research', description: 'deep dive' });
    s.memory.storeChunk({ agent_id: agent, content: 'First finding', session_id: session.id, tags: ['x', 'y'] });
    s.clock.advance(60_000);
    s.memory.storeChunk({
      agent_id: agent,
      content: 'Second finding',
      session_id: session.id,
      source: { type: 'task_execution', task_id: 'task-9' },
    });
    s.memory.storeChunk({
      agent_id: agent,
      content: 'Loose note',
      source: { type: 'agent_generated', tool_name: 'memory_store' },
    });
    s.memory.storeChunk({
      agent_id: agent,
      content: 'From a chat',
      session_id: 'chat-session-1',
      source: { type: 'conversation', session_id: 'chat-session-1' },
    });
    return { s, agent, session };
  }

  it('exports an agent grouped by session with every option on by default', () => {
    const { s, agent, session } = exportFixture();
    const result = s.memory.export({ agent_id: agent });
    expect(result).toMatchObject({
      chunk_count: 4,
      session_count: 1,
      agent_id: agent,
      suggested_filename: `memory-${agent}-all.md`,
    });
    const md = result.markdown;
    expect(md.startsWith(`# Memory Export: Agent ${agent}\n\n<!-- MEMORY EXPORT METADATA\nagent_id: ${agent}\n`)).toBe(
      true,
    );
    expect(md).toContain('exported_at: 2026-01-01 00:01:00 UTC');
    expect(md).toContain('## Research\n\n_deep dive_\n\n<!-- session_id: ');
    expect(md).toContain('**2026-01-01 00:00:00 UTC**\n\nFirst finding\n\nTags: `x` `y`\n\nSource: manual note\n');
    expect(md).toContain('Second finding\n\nSource: task task-9\n');
    expect(md).toContain('\n---\n\n**2026-01-01 00:01:00 UTC**\n\nSecond finding');
    expect(md).toContain('## Unsessioned Memories\n\n');
    expect(md).toContain('Source: generated by memory_store');
    expect(md).toContain('Source: conversation chat-session-1');
    expect(md).toMatch(/<!-- chunk_id: chunk-[^ ]+ \| tokens: \d+ \| hash: [0-9a-f]{16} -->/);
    expect(md.indexOf('First finding')).toBeLessThan(md.indexOf('Second finding'));
    expect(md.indexOf('## Research')).toBeLessThan(md.indexOf('## Unsessioned'));
    expect(md).toContain(`_Exported 4 memory chunks for agent \`${agent}\`_`);
    expect(md.trimEnd().endsWith('<!-- END OF MEMORY EXPORT | total_chunks: 4 -->')).toBe(true);
    expect(session.id).toMatch(/^session-/);
  });

  it('applies the minimal and compact presets, explicit options and date_format', () => {
    const { s, agent } = exportFixture();
    const minimal = s.memory.export({ agent_id: agent, preset: 'minimal' }).markdown;
    expect(minimal).not.toMatch(/<!--|Tags:|Source:|\*\*2026|## /);
    expect(minimal).toContain('First finding\n\n---\n\nSecond finding');
    const compact = s.memory.export({ agent_id: agent, preset: 'compact' }).markdown;
    expect(compact).toContain('## Research');
    expect(compact).toContain('**2026-01-01 00:00:00 UTC**');
    expect(compact).not.toMatch(/<!--|Tags:|Source:/);
    const custom = s.memory.export({
      agent_id: agent,
      preset: 'minimal',
      options: { include_tags: true, include_timestamps: true, date_format: '%d/%m/%Y', chunk_separator: '\n***\n' },
    }).markdown;
    expect(custom).toContain('**01/01/2026**\n\nFirst finding\n\nTags: `x` `y`\n\n***\n**01/01/2026**');
    expect(resolveExportOptions('compact', { include_source: undefined })).toEqual(EXPORT_PRESETS.compact);
  });

  it('exports one session, named after its id', () => {
    const { s, agent, session } = exportFixture();
    const result = s.memory.export({ session_id: session.id.slice(0, 14) });
    expect(result).toMatchObject({
      chunk_count: 2,
      session_count: 1,
      agent_id: agent,
      suggested_filename: `memory-${agent}-${session.id.slice(8, 16)}.md`,
    });
    expect(result.markdown).toContain('# Memory Export: Research\n');
    expect(result.markdown).toContain(
      `session_id: ${session.id}\nsession_name: Research\nsession_description: deep dive`,
    );
    expect(result.markdown).not.toContain('Loose note');
    expect(() => s.memory.export({ session_id: 'session-nope' })).toThrow(NotFoundError);
  });

  it('exports an agent without memory and without session headers chronologically', () => {
    const { s, agent } = exportFixture();
    const flat = s.memory.export({ agent_id: agent, options: { include_session_headers: false } }).markdown;
    expect(flat).not.toContain('## ');
    expect(flat.indexOf('First finding')).toBeLessThan(flat.indexOf('Loose note'));
    const empty = s.memory.export({ agent_id: s.agents.create('Empty').id });
    expect(empty).toMatchObject({ chunk_count: 0, session_count: 0 });
    expect(empty.markdown).toContain('_Exported 0 memory chunks');
  });
});
