// The desktop app's own settings (not the daemon's): which task outcomes raise a native notification. Kept as
// JSON next to the data dir's other files, `desktop.json`; a missing or broken file means the defaults.
import fs from 'node:fs';
import path from 'node:path';

export interface DesktopSettings {
  notify_on_task_failure: boolean;
  notify_on_task_completion: boolean;
  notify_on_approval: boolean;
}

export const DEFAULT_SETTINGS: DesktopSettings = {
  notify_on_task_failure: true,
  // Scheduled tasks may complete every few minutes: opt in.
  notify_on_task_completion: false,
  notify_on_approval: true,
};

export function settingsFile(dataDir: string): string {
  return path.join(dataDir, 'desktop.json');
}

export function loadSettings(file: string): DesktopSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
  const settings = { ...DEFAULT_SETTINGS };
  if (raw && typeof raw === 'object') {
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof DesktopSettings)[]) {
      const value = (raw as Record<string, unknown>)[key];
      if (typeof value === 'boolean') settings[key] = value;
    }
  }
  return settings;
}
