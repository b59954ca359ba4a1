// Opens SQLite files through better-sqlite3 with its native addon named by path. Its default finds the addon with
// the `bindings` package, which loads and searches a dozen candidate locations: ~3 ms of every daemon start.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';

let addonPath: string | null | undefined;

/** Where `npm install` built the addon; null when it is elsewhere (better-sqlite3 then finds it itself). */
export function nativeAddonPath(): string | null {
  if (addonPath !== undefined) return addonPath;
  try {
    const packageJson = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
    const built = path.join(path.dirname(packageJson), 'build', 'Release', 'better_sqlite3.node');
    addonPath = fs.existsSync(built) ? built : null;
  } catch {
    addonPath = null;
  }
  return addonPath;
}

export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  const nativeBinding = nativeAddonPath();
  return new Database(file, nativeBinding ? { ...options, nativeBinding } : options);
}
