// The daemon bundle leaves zod's locales out (scripts/load-on-first-call.mjs, `--zod-locales-on-first-call`): a
// bundle built with the stand-in holds no locale's messages, yet `z.locales.xx()` still answers in that language
// (loaded from node_modules on the call) and English stays the default.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { repoRoot } from '@restflow/testkit';
import { build } from 'esbuild';
// @ts-expect-error: a plain ES module of the build scripts, without types
import { zodLocalesOnFirstCall } from '../../../scripts/load-on-first-call.mjs';

let outDir: string;

beforeAll(async () => {
  // Inside the repository, so the bundle's require() finds zod in node_modules as the daemon's bundle does.
  fs.mkdirSync(path.join(repoRoot, 'node_modules/.cache'), { recursive: true });
  outDir = fs.mkdtempSync(path.join(repoRoot, 'node_modules/.cache/rf-zod-locales-'));
  const entry = path.join(outDir, 'entry.mjs');
  fs.writeFileSync(
    entry,
    "import { z } from 'zod';\nexport const locales = z.locales;\nexport const check = (value) => z.string().min(3).safeParse(value);\nexport { z };\n",
  );
  await build({
    entryPoints: [entry],
    outfile: path.join(outDir, 'out.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    plugins: [zodLocalesOnFirstCall],
    logLevel: 'silent',
  });
}, 60_000);

afterAll(() => {
  fs.rmSync(outDir, { recursive: true, force: true });
});

describe('zod locales stand-in', () => {
  it('keeps every locale’s messages out of the bundle', () => {
    const bundled = fs.readFileSync(path.join(outDir, 'out.mjs'), 'utf8');
    expect(bundled).not.toContain('Zeichen');
    expect(bundled).toContain('require("zod/v4/locales/de.js")');
  });

  it('answers in English by default and in a locale loaded on its first call', () => {
    // In a plain Node process: jest's own require() does not load ES modules.
    const script = `
      const bundle = await import(${JSON.stringify(pathToFileURL(path.join(outDir, 'out.mjs')).href)});
      const german = bundle.locales.de();
      console.log(JSON.stringify({
        english: bundle.check('ab').error.issues[0].message,
        german: german.localeError({ code: 'too_small', origin: 'string', minimum: 3, inclusive: true }),
        names: Object.keys(bundle.locales),
      }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const answer = JSON.parse(out.toString()) as { english: string; german: string; names: string[] };
    expect(answer.english).toMatch(/>=3 characters/);
    expect(answer.german).toMatch(/Zeichen/);
    expect(answer.names).toEqual(expect.arrayContaining(['en', 'de', 'fr', 'ja']));
  });
});
