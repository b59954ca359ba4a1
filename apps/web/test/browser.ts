// Helpers for the console's browser e2e test: an up-to-date static export, a free port, headless Chromium.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium } from 'playwright-core';

export const webDir = fileURLToPath(new URL('..', import.meta.url));
export const outDir = path.join(webDir, 'out');
/** The console's pages and components (packages/ui): a change there makes `out/` stale too. */
const uiDir = fileURLToPath(new URL('../../../packages/ui', import.meta.url));

function newestMtime(entry: string): number {
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

function consoleIsFresh(): boolean {
  const index = path.join(outDir, 'index.html');
  const sources = Math.max(
    newestMtime(path.join(webDir, 'src')),
    newestMtime(path.join(uiDir, 'src')),
    newestMtime(path.join(uiDir, 'package.json')),
    newestMtime(path.join(webDir, 'next.config.mjs')),
    newestMtime(path.join(webDir, 'package.json')),
  );
  return fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources;
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Builds `out/` when it is missing or older than the console's sources (the install builds it normally). The
 * browser e2e files run in parallel jest workers: one builds under a lock file, the others wait for it.
 */
export function ensureConsoleBuilt(): void {
  const lock = path.join(webDir, '.e2e-build.lock');
  const deadline = Date.now() + 240_000;
  while (!consoleIsFresh()) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(lock, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock older than any build is left over from a killed run.
      if (Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 200_000)
        fs.rmSync(lock, { force: true });
      if (Date.now() > deadline) throw new Error(`another test has been building the console for too long (${lock})`);
      sleepSync(250);
      continue;
    }
    try {
      if (!consoleIsFresh()) {
        execFileSync('npm', ['run', 'build'], {
          cwd: webDir,
          stdio: ['ignore', 'ignore', 'inherit'],
          timeout: 180_000,
        });
      }
    } finally {
      fs.closeSync(fd);
      fs.rmSync(lock, { force: true });
    }
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const CHROMIUM = process.env.RESTFLOW_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Containers often give /dev/shm 64 MB; Chromium's renderers then crash ("Target page ... has been closed")
  // when several browser suites run at once. /tmp has room.
  '--disable-dev-shm-usage',
];

export interface Browser {
  context: BrowserContext;
  userDataDir: string;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile (playwright takes --user-data-dir through a persistent context). */
export async function launchBrowser(): Promise<Browser> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rf-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  // A console that needs longer than this to show something is broken (and jest's timeout is 60 s).
  context.setDefaultTimeout(10_000);
  return {
    context,
    userDataDir,
    close: async () => {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
