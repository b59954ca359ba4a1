import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { findExecutable, findTool, type LlmToolSpec, resolveToolName, TOOL_CATALOGUE } from '../src/index.ts';

describe('tool catalogue', () => {
  it('describes the built-in tools with strict object schemas the LLM layer accepts', () => {
    const specs: LlmToolSpec[] = [...TOOL_CATALOGUE];
    for (const tool of specs) {
      expect(tool.description.length).toBeGreaterThan(20);
      const params = tool.parameters as {
        type: string;
        required: string[];
        properties: object;
        additionalProperties: boolean;
      };
      expect(params.type).toBe('object');
      expect(params.additionalProperties).toBe(false);
      for (const name of params.required) expect(Object.keys(params.properties)).toContain(name);
    }
    expect(findTool('bash')?.parameters.required).toEqual(['command']);
    expect(Object.keys(findTool('file')?.parameters.properties ?? {})).toEqual(['action', 'path', 'content', 'append']);
    expect(findTool('file')?.parameters.properties?.action?.enum).toEqual([
      'read',
      'write',
      'list',
      'delete',
      'exists',
    ]);
    expect(findTool('telegram_send')?.parameters.required).toEqual(['message']);
  });

  it('resolves aliases and rejects unknown names', () => {
    expect(resolveToolName('http')).toBe('http_request');
    expect(resolveToolName('python')).toBe('run_python');
    expect(findTool('telegram')?.name).toBe('telegram_send');
    expect(resolveToolName('shell')).toBeUndefined();
    expect(findTool('nope')).toBeUndefined();
  });
});

describe('findExecutable', () => {
  it('finds executable files on PATH only', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-path-'));
    try {
      const tool = path.join(dir, 'my-tool');
      fs.writeFileSync(tool, '#!/bin/sh\n', { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'not-exec'), 'x', { mode: 0o644 });
      fs.mkdirSync(path.join(dir, 'a-dir'));
      const env = { PATH: ['/nonexistent', dir].join(path.delimiter) };
      expect(findExecutable('my-tool', env)).toBe(tool);
      expect(findExecutable('not-exec', env)).toBeUndefined();
      expect(findExecutable('a-dir', env)).toBeUndefined();
      expect(findExecutable('my-tool', {})).toBeUndefined();
      expect(findExecutable('node', process.env)).toBeDefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
