// openSqlite names better-sqlite3's native addon by its path (no search through the `bindings` package).
import fs from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { nativeAddonPath, openSqlite } from '../src/sqlite.ts';

describe('openSqlite', () => {
  it('finds the addon npm built and opens a database with it', () => {
    const addon = nativeAddonPath();
    expect(addon).toMatch(/better-sqlite3\/build\/Release\/better_sqlite3\.node$/);
    expect(fs.existsSync(addon as string)).toBe(true);
    const db = openSqlite(':memory:', { timeout: 0 });
    try {
      expect(db.prepare('SELECT 40 + 2 AS answer').get()).toEqual({ answer: 42 });
    } finally {
      db.close();
    }
  });
});
