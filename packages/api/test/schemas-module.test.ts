// `@restflow/api/schemas` is loaded by clients (console, CLI): zod only, and its value lists match core's.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import * as core from '@restflow/core';
import * as schemas from '../src/schemas/index.ts';

const schemasDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src/schemas');

describe('@restflow/api/schemas', () => {
  it('imports nothing but zod and its own modules', () => {
    const files = fs.readdirSync(schemasDir).filter((file) => file.endsWith('.ts'));
    expect(files).toContain('index.ts');
    const specifiers = files.flatMap((file) =>
      [...fs.readFileSync(path.join(schemasDir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]),
    );
    expect(specifiers.length).toBeGreaterThan(files.length);
    expect(specifiers.filter((specifier) => specifier !== 'zod' && !specifier?.startsWith('./'))).toEqual([]);
  });

  it('accepts the same values as core', () => {
    expect([...schemas.AUTH_PROVIDERS]).toEqual([...core.AUTH_PROVIDERS]);
    expect([...schemas.AUTH_SOURCES]).toEqual([...core.AUTH_SOURCES]);
    expect([...schemas.MODEL_PROVIDERS].sort()).toEqual(Object.keys(core.MODEL_PROVIDER_AUTH).sort());
    expect([...schemas.LLM_PROVIDERS]).toEqual([...core.LLM_PROVIDERS]);
    expect([...schemas.TASK_STATUSES]).toEqual([...core.TASK_STATUSES]);
    expect(schemas.MIN_INTERVAL_MS).toBe(core.MIN_INTERVAL_MS);
    expect([...schemas.SEARCH_MODES]).toEqual([...core.SEARCH_MODES]);
    expect([...schemas.MEMORY_SOURCE_TYPES]).toEqual([...core.MEMORY_SOURCE_TYPES]);
    expect([...schemas.SCORING_PRESET_NAMES]).toEqual([...core.SCORING_PRESET_NAMES]);
    expect([...schemas.EXPORT_PRESET_NAMES]).toEqual([...core.EXPORT_PRESET_NAMES]);
    expect(schemas.USER_SECRET_KEY_PATTERN.source).toBe(core.USER_SECRET_KEY_PATTERN.source);
    expect(schemas.MAX_SECRET_KEY_LENGTH).toBe(core.MAX_SECRET_KEY_LENGTH);
    expect(schemas.MAX_SECRET_DESCRIPTION_LENGTH).toBe(core.MAX_SECRET_DESCRIPTION_LENGTH);
    expect(schemas.API_TOKEN_NAME_PATTERN.source).toBe(core.API_TOKEN_NAME_PATTERN.source);
    expect(schemas.MAX_API_TOKEN_NAME_LENGTH).toBe(core.MAX_API_TOKEN_NAME_LENGTH);
    expect([...schemas.SECURITY_ACTIONS]).toEqual([...core.SECURITY_ACTIONS]);
    expect([...schemas.APPROVAL_STATUSES]).toEqual([...core.APPROVAL_STATUSES]);
    expect(schemas.MAX_APPROVAL_TIMEOUT_SECS).toBe(core.MAX_APPROVAL_TIMEOUT_SECS);
    expect([...schemas.SHARED_VISIBILITIES]).toEqual([...core.SHARED_VISIBILITIES]);
    expect(schemas.MAX_SHARED_VALUE_BYTES).toBe(core.MAX_SHARED_VALUE_BYTES);
    expect([...schemas.CONFIG_KEYS]).toEqual([...core.CONFIG_KEYS]);
  });

  it('validates in the client what the daemon would reject, with the same field paths', () => {
    const send = schemas.sendInput.safeParse({ content: 'hi' });
    expect(send.success).toBe(false);
    expect(send.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['session_id']);
    expect(schemas.syncSkillsInput.safeParse({ dir: 'relative/skills' }).success).toBe(false);
    expect(schemas.syncSkillsInput.safeParse({ dir: '/abs/skills' }).success).toBe(true);
    expect(schemas.syncSkillsInput.safeParse({ dir: 'C:\\skills' }).success).toBe(true);
  });
});
