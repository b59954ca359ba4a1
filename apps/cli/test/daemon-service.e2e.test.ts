// `restflow daemon install | uninstall` with the unit directory redirected to a temp dir: the written unit (its
// content, from scripts/service/), the service manager calls (a fake systemctl records them), and a machine
// without a service manager (the file is written, the command to run is printed).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { dataDirPool, repoRoot, runCli, runCliJson, tempDataDir } from '@restflow/testkit';

const dirs = dataDirPool();
const scratch: string[] = [];
afterAll(async () => {
  await dirs.cleanup();
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

function scratchDir(): string {
  const dir = tempDataDir('rfsvc');
  scratch.push(dir);
  return dir;
}

/** A PATH holding only a fake `name` that appends its arguments to calls.log. */
function fakeManager(name: string): { bin: string; calls: () => string[] } {
  const bin = scratchDir();
  const log = path.join(bin, 'calls.log');
  fs.writeFileSync(path.join(bin, name), `#!/bin/sh\necho "$*" >> "${log}"\n`, { mode: 0o755 });
  return { bin, calls: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : []) };
}

interface Installed {
  installed: boolean;
  kind: string;
  file: string;
  enabled: boolean;
}

describe('restflow daemon install / uninstall', () => {
  it('writes the systemd user unit for this data dir, enables it, and uninstall disables and removes it', async () => {
    const dataDir = dirs.create();
    const unitDir = scratchDir();
    const systemctl = fakeManager('systemctl');
    const env = {
      RESTFLOW_SERVICE_DIR: unitDir,
      RESTFLOW_SERVICE_KIND: 'systemd',
      PATH: `${systemctl.bin}:/bin:/usr/bin`,
    };
    const installed = await runCliJson<Installed>(['daemon', 'install'], { dataDir, env });
    const unit = path.join(unitDir, 'restflow.service');
    expect(installed).toMatchObject({ installed: true, kind: 'systemd', file: unit, enabled: true });
    const content = fs.readFileSync(unit, 'utf8');
    expect(content).toContain(
      `ExecStart="${process.execPath}" "${path.join(repoRoot, 'apps/daemon/bin/restflow-daemon.cjs')}"\n`,
    );
    expect(content).toContain(`Environment="RESTFLOW_DIR=${dataDir}"\n`);
    expect(content).toContain('Environment=RESTFLOW_RUN_MODE=service\n');
    expect(content).toContain('Restart=on-failure\n');
    expect(content).toContain('RestartPreventExitStatus=75\n');
    expect(content).toContain('WantedBy=default.target\n');
    expect(content).not.toMatch(/@[A-Z_]+@/);
    expect(systemctl.calls()).toEqual(['--user daemon-reload', '--user enable --now restflow.service']);

    const removed = await runCliJson<{ removed: boolean }>(['daemon', 'uninstall'], { dataDir, env });
    expect(removed).toMatchObject({ removed: true });
    expect(fs.existsSync(unit)).toBe(false);
    expect(systemctl.calls().slice(2)).toEqual(['--user disable --now restflow.service', '--user daemon-reload']);
    const again = await runCliJson<{ removed: boolean }>(['daemon', 'uninstall'], { dataDir, env });
    expect(again).toMatchObject({ removed: false });
  });

  it('without systemctl the unit is still written, and the command to run is printed', async () => {
    const dataDir = dirs.create();
    const unitDir = scratchDir();
    const empty = scratchDir();
    const env = { RESTFLOW_SERVICE_DIR: unitDir, RESTFLOW_SERVICE_KIND: 'systemd', PATH: empty };
    const result = await runCli(['daemon', 'install'], { dataDir, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "systemctl is not available here: run 'systemctl --user enable --now restflow.service' where it is.",
    );
    expect(result.stdout).toContain(
      `Installed the RestFlow systemd user unit: ${path.join(unitDir, 'restflow.service')}`,
    );
    expect(result.stdout).toContain('not enabled yet');
    expect(fs.existsSync(path.join(unitDir, 'restflow.service'))).toBe(true);
    const removed = await runCli(['daemon', 'uninstall'], { dataDir, env });
    expect(removed.code).toBe(0);
    expect(fs.existsSync(path.join(unitDir, 'restflow.service'))).toBe(false);
  });

  it('writes the launchd agent with the data dir escaped for XML, loaded with launchctl', async () => {
    const dataDir = dirs.create();
    const agentDir = scratchDir();
    const launchctl = fakeManager('launchctl');
    const env = {
      RESTFLOW_SERVICE_DIR: agentDir,
      RESTFLOW_SERVICE_KIND: 'launchd',
      PATH: `${launchctl.bin}:/bin:/usr/bin`,
    };
    const installed = await runCliJson<Installed>(['daemon', 'install'], { dataDir, env });
    const plist = path.join(agentDir, 'dev.restflow.daemon.plist');
    expect(installed).toMatchObject({ kind: 'launchd', file: plist, enabled: true });
    const content = fs.readFileSync(plist, 'utf8');
    expect(content).toContain(`<string>${process.execPath}</string>`);
    expect(content).toContain(`<key>RESTFLOW_DIR</key><string>${dataDir}</string>`);
    expect(content).toContain('<key>RESTFLOW_RUN_MODE</key><string>service</string>');
    expect(content).not.toMatch(/@[A-Z_]+@/);
    expect(launchctl.calls()).toEqual([`load -w ${plist}`]);
    await runCliJson(['daemon', 'uninstall'], { dataDir, env });
    expect(fs.existsSync(plist)).toBe(false);
    expect(launchctl.calls()).toEqual([`load -w ${plist}`, `unload -w ${plist}`]);
  });
});
