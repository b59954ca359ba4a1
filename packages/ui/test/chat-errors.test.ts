import { describe, expect, it } from '@jest/globals';
import { fixableChatError, missingKeyName } from '../src/lib/chat-errors.ts';

describe('fixableChatError', () => {
  it('reads the cause from the error data when the daemon names it', () => {
    expect(fixableChatError({ message: 'x', data: { reason: 'NO_MODEL' } })).toBe('no_model');
    expect(fixableChatError({ message: 'x', data: { error_code: 'MODEL_RETIRED' } })).toBe('model_retired');
    expect(fixableChatError({ message: 'x', data: { restflow_code: 'NO_API_KEY' } })).toBe('no_api_key');
  });

  it('falls back to the message', () => {
    expect(fixableChatError(new Error('Agent Default Assistant (a1) has no model; set one'))).toBe('no_model');
    expect(fixableChatError(new Error('model claude-sonnet-4-5 was retired on 2026-11-30; use x'))).toBe(
      'model_retired',
    );
    expect(fixableChatError(new Error('Agent a uses the unknown model "gpt-9"'))).toBe('unknown_model');
    expect(fixableChatError(new Error('No API key for openai: set secret OPENAI_API_KEY (…)'))).toBe('no_api_key');
  });

  it('leaves other errors alone', () => {
    expect(fixableChatError(new Error('Chat session s is still answering'))).toBeNull();
    expect(fixableChatError(null)).toBeNull();
    expect(fixableChatError('text')).toBeNull();
  });
});

describe('missingKeyName', () => {
  it('names the secret the error asks for', () => {
    expect(missingKeyName(new Error('No API key for openai: set secret OPENAI_API_KEY (restflow …)'))).toBe(
      'OPENAI_API_KEY',
    );
    expect(missingKeyName(new Error('export ANTHROPIC_API_KEY first'))).toBe('ANTHROPIC_API_KEY');
    expect(missingKeyName(new Error('nothing here'))).toBeNull();
  });
});
