// probeSandbox (the daemon's non-blocking probe) reaches the same verdict as detectSandbox in every case: turned
// off, bubblewrap missing, bubblewrap refused (a stand-in that fails like a kernel without user namespaces), and
// the real bubblewrap CI installs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { detectSandbox, probeSandbox, provenSandboxKey } from '../../src/index.ts';
import { tempDir } from './helpers.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A PATH holding only a `bwrap` script with this body. */
function fakeBwrap(body: string): string {
  const dir = tempDir('rf-fake-bwrap');
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'bwrap'), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return dir;
}

const verdict = (sandbox: { kind: string; warning: string | null }) => ({
  kind: sandbox.kind,
  warning: sandbox.warning,
});

describe('probeSandbox', () => {
  it('honours RESTFLOW_TOOL_SANDBOX=off without starting anything', async () => {
    const env = { PATH: process.env.PATH, RESTFLOW_TOOL_SANDBOX: 'off' };
    const probed = await probeSandbox(env, 'linux');
    expect(probed.kind).toBe('none');
    expect(probed.warning).toContain('RESTFLOW_TOOL_SANDBOX=off');
    expect(verdict(probed)).toEqual(verdict(detectSandbox(env, 'linux')));
  });

  it('says how to install bubblewrap when it is not on the PATH', async () => {
    const env = { PATH: tempDir('rf-empty-path') };
    dirs.push(env.PATH);
    const probed = await probeSandbox(env, 'linux');
    expect(probed.kind).toBe('none');
    expect(probed.warning).toContain('bubblewrap is not installed');
    expect(verdict(probed)).toEqual(verdict(detectSandbox(env, 'linux')));
  });

  it('reports why a bubblewrap that cannot start was refused, in its own words', async () => {
    const env = {
      PATH: `${fakeBwrap("echo 'bwrap: No permissions to creating new namespace' >&2; exit 1")}:/usr/bin:/bin`,
    };
    const probed = await probeSandbox(env, 'linux');
    expect(probed.kind).toBe('none');
    expect(probed.warning).toContain('bubblewrap cannot start here: bwrap: No permissions to creating new namespace');
    expect(verdict(probed)).toEqual(verdict(detectSandbox(env, 'linux')));
  });

  it('names the exit status when a failing bubblewrap says nothing', async () => {
    const env = { PATH: `${fakeBwrap('exit 3')}:/usr/bin:/bin` };
    const probed = await probeSandbox(env, 'linux');
    expect(probed.warning).toContain('bubblewrap cannot start here: exit 3');
    expect(verdict(probed)).toEqual(verdict(detectSandbox(env, 'linux')));
  });

  it('passes the arguments a tool call gets, and accepts a bubblewrap that runs them', async () => {
    const dir = fakeBwrap('echo "$@" > "$(dirname "$0")/args"; exit 0');
    const probed = await probeSandbox({ PATH: `${dir}:/usr/bin:/bin` }, 'linux');
    expect(probed.kind).toBe('bubblewrap');
    expect(probed.warning).toBeNull();
    const args = fs.readFileSync(path.join(dir, 'args'), 'utf8');
    expect(args).toContain('--unshare-net');
    expect(args.trim().endsWith('-- true')).toBe(true);
  });

  it('proves the installed bubblewrap starts (CI installs it; a silently unsandboxed run must fail here)', async () => {
    const probed = await probeSandbox({ PATH: process.env.PATH }, 'linux');
    expect(verdict(probed)).toEqual({ kind: 'bubblewrap', warning: null });
  });

  describe('a bubblewrap proven by an earlier start', () => {
    /** A bubblewrap that counts its runs, its PATH, and a cache file for proven verdicts. */
    function countingBwrap(exit: number) {
      const dir = fakeBwrap(`echo run >> "$(dirname "$0")/runs"; exit ${exit}`);
      const runs = () => (fs.existsSync(path.join(dir, 'runs')) ? fs.readFileSync(path.join(dir, 'runs'), 'utf8') : '');
      return { env: { PATH: `${dir}:/usr/bin:/bin` }, runs, dir, provenFile: path.join(dir, 'cache', 'proven.json') };
    }

    it('is not probed again while nothing it depends on has changed', async () => {
      const bwrap = countingBwrap(0);
      const first = await probeSandbox(bwrap.env, 'linux', { provenFile: bwrap.provenFile });
      expect(verdict(first)).toEqual({ kind: 'bubblewrap', warning: null });
      expect(bwrap.runs().split('\n').filter(Boolean)).toHaveLength(1);
      expect(fs.statSync(bwrap.provenFile).mode & 0o777).toBe(0o600);

      const again = await probeSandbox(bwrap.env, 'linux', { provenFile: bwrap.provenFile });
      expect(verdict(again)).toEqual({ kind: 'bubblewrap', warning: null });
      expect(again.wrap('true', [], { writable: [], masked: [], network: false, workdir: '/' }).command).toBe(
        path.join(bwrap.dir, 'bwrap'),
      );
      expect(bwrap.runs().split('\n').filter(Boolean)).toHaveLength(1);
    });

    it('is probed again once the binary changes', async () => {
      const bwrap = countingBwrap(0);
      await probeSandbox(bwrap.env, 'linux', { provenFile: bwrap.provenFile });
      const binary = path.join(bwrap.dir, 'bwrap');
      fs.appendFileSync(binary, '# upgraded\n');
      await probeSandbox(bwrap.env, 'linux', { provenFile: bwrap.provenFile });
      expect(bwrap.runs().split('\n').filter(Boolean)).toHaveLength(2);
    });

    it('never remembers a refusal, and ignores a cache it cannot read', async () => {
      const bwrap = countingBwrap(1);
      fs.mkdirSync(path.dirname(bwrap.provenFile), { recursive: true });
      fs.writeFileSync(bwrap.provenFile, 'not json');
      for (let start = 0; start < 2; start++) {
        const probed = await probeSandbox(bwrap.env, 'linux', { provenFile: bwrap.provenFile });
        expect(probed.kind).toBe('none');
      }
      expect(bwrap.runs().split('\n').filter(Boolean)).toHaveLength(2);
      expect(fs.readFileSync(bwrap.provenFile, 'utf8')).toBe('not json');
    });

    it('keys the verdict on the binary, the kernel and its boot, the user and the user-namespace settings', () => {
      const bwrap = countingBwrap(0);
      const key = JSON.parse(provenSandboxKey(path.join(bwrap.dir, 'bwrap')) as string);
      expect(Object.keys(key).sort()).toEqual(['boot', 'bwrap', 'kernel', 'mtime', 'size', 'uid', 'userns']);
      expect(provenSandboxKey(path.join(bwrap.dir, 'missing'))).toBeUndefined();
    });
  });

  it('leaves other platforms to their own sandbox or none', async () => {
    expect((await probeSandbox({}, 'win32')).warning).toContain('no sandbox on win32');
  });
});
