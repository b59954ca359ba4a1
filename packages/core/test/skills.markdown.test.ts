import { describe, expect, it } from '@jest/globals';
import { createTestServices } from '@restflow/testkit';
import { InvalidInputError, parseSkillMarkdown, skillToMarkdown } from '../src/index.ts';

const withoutTimes = <T extends { updated_at: number }>({ updated_at: _u, ...rest }: T) => rest;

describe('skill markdown', () => {
  it('a skill exported and re-imported is identical', () => {
    const s = createTestServices();
    const original = s.skills.create({
      id: 'full-skill',
      name: 'Full: skill',
      description: 'Line one\nline two: with colon',
      tags: ['2024', 'yes', 'dev'],
      content: '# Heading\n\n---\n\nBody with a rule above.\n',
      suggested_tools: ['bash', 'http'],
      scripts: [{ id: 'run', path: 'scripts/run.py', lang: 'python' }],
      references: [{ id: 'ref', path: 'references/ref.md' }],
      gating: { bins: ['git'], env: ['HOME'], os: ['linux'] },
      version: '1.10',
      author: 'Ada',
      license: 'MIT',
    });
    const exported = s.skills.exportMarkdown('full-skill');
    expect(exported.filename).toBe('full-skill.md');
    expect(exported.markdown.startsWith('---\nname: "Full: skill"\n')).toBe(true);

    s.clock.advance(1000);
    const reimported = s.skills.importMarkdown(exported.markdown, 'full-skill');
    expect(withoutTimes(reimported)).toEqual(withoutTimes(original));

    s.skills.delete('full-skill');
    const fresh = s.skills.importMarkdown(exported.markdown, 'full-skill');
    expect(withoutTimes({ ...fresh, created_at: original.created_at })).toEqual(withoutTimes(original));
    expect(s.skills.exportMarkdown('full-skill').markdown).toBe(exported.markdown);
  });

  it('round-trips a minimal skill and content with leading blank lines', () => {
    const s = createTestServices();
    const minimal = s.skills.create({ id: 'min', name: 'Min', content: '\n\nstarts low' });
    const md = s.skills.exportMarkdown('min').markdown;
    expect(md).toBe('---\nname: Min\n---\n\n\n\nstarts low');
    expect(s.skills.importMarkdown(md)).toEqual({ ...minimal });
  });

  it('imports with the id defaulting to the slug of the frontmatter name', () => {
    const s = createTestServices();
    const skill = s.skills.importMarkdown('---\nname: My Imported Skill\nversion: 1.0\ntags: [a, 7]\n---\n\nHello');
    expect(skill).toMatchObject({ id: 'my-imported-skill', version: '1.0', tags: ['a', '7'], content: 'Hello' });
  });

  it('parses CRLF files, a BOM and a body right after the fence', () => {
    expect(parseSkillMarkdown('\uFEFF---\r\nname: X\r\n---\r\nBody')).toEqual({ name: 'X', content: 'Body' });
    expect(parseSkillMarkdown('---\nname: X\n---')).toEqual({ name: 'X', content: '' });
  });

  it('rejects markdown without frontmatter, bad YAML and bad fields, naming the field', () => {
    const cases: [string, RegExp][] = [
      ['# No frontmatter', /markdown: must start with a YAML frontmatter/],
      ['---\nname: [unclosed\n---\n', /markdown: invalid YAML frontmatter/],
      ['---\n- a\n- b\n---\n', /frontmatter must be a YAML mapping/],
      ['---\ndescription: no name\n---\n', /markdown: frontmatter name/],
      ['---\nname: X\ntags: nope\n---\n', /frontmatter tags/],
      ['---\nname: X\nscripts:\n  - id: a\n---\n', /frontmatter scripts\.0\.path/],
    ];
    for (const [markdown, message] of cases) {
      let error: unknown;
      try {
        parseSkillMarkdown(markdown);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toMatch(message);
      expect((error as InvalidInputError).issues[0]?.path).toBe('markdown');
    }
  });

  it('accepts a missing frontmatter or name when a fallback name is given (folder sync)', () => {
    expect(parseSkillMarkdown('plain body', { fallbackName: 'folder' })).toEqual({
      name: 'folder',
      content: 'plain body',
    });
    expect(parseSkillMarkdown('---\ndescription: d\n---\n\nb', { fallbackName: 'folder' })).toMatchObject({
      name: 'folder',
      description: 'd',
    });
  });

  it('writes only set fields', () => {
    expect(skillToMarkdown({ name: 'N', content: 'c', description: null, tags: [] })).toBe(
      '---\nname: N\ntags: []\n---\n\nc',
    );
  });
});
