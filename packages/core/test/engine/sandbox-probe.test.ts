// probeSandbox (the daemon's non-blocking probe) reaches the same verdict as detectSandbox in every case: turned
// off, bubblewrap missing, bubblewrap refused (a stand-in that fails like a kernel without user namespaces), and
// the real bubblewrap CI installs.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { detectSandbox, probeSandbox } from '../../src/index.ts';
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

  it('leaves other platforms to their own sandbox or none', async () => {
    expect((await probeSandbox({}, 'win32')).warning).toContain('no sandbox on win32');
  });
});
