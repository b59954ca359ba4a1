#!/usr/bin/env node
// Part of `npm test`: the console's browser tests drive headless Chromium (RESTFLOW_CHROMIUM, else
// /usr/bin/chromium). When it is missing, install Debian's `chromium` if this machine can (apt-get, as root);
// otherwise stop with one line that says how. The same for bubblewrap on Linux, which the agent tools' sandbox
// tests need (docs/security.md), and redis-server, which the queue backend's tests need (docs/workers.md). So
// `npm ci && npm test` is the whole set-up on a fresh machine.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const browser = process.env.RESTFLOW_CHROMIUM || '/usr/bin/chromium';

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall(pkg) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', pkg],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (result.status !== 0) fail(`apt-get ${args.join(' ')} failed (exit ${result.status}); install ${pkg} by hand.`);
  }
}

function ensureBubblewrap() {
  if (process.platform !== 'linux' || onPath('bwrap')) return;
  if (!(onPath('apt-get') && process.getuid?.() === 0)) {
    fail(
      'The sandbox tests need bubblewrap (bwrap): install it (sudo apt-get install bubblewrap), then run npm test again.',
    );
  }
  process.stderr.write('bubblewrap is missing: installing Debian’s bubblewrap (apt-get) for the tool sandbox tests…\n');
  aptInstall('bubblewrap');
}

// The queue backend's tests (docs/workers.md) start a real redis-server on a free loopback port.
function ensureRedisServer() {
  if (process.platform !== 'linux' || onPath('redis-server')) return;
  if (!(onPath('apt-get') && process.getuid?.() === 0)) {
    fail(
      'The queue backend tests need redis-server: install it (sudo apt-get install redis-server), then run npm test again.',
    );
  }
  process.stderr.write(
    'redis-server is missing: installing Debian’s redis-server (apt-get) for the queue backend tests…\n',
  );
  aptInstall('redis-server');
}

function fail(line) {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

ensureBubblewrap();
ensureRedisServer();
if (isExecutable(browser)) process.exit(0);
if (process.env.RESTFLOW_CHROMIUM) {
  fail(`RESTFLOW_CHROMIUM=${browser} is not an executable file: point it at a Chromium or Chrome binary.`);
}
const canInstall = process.platform === 'linux' && onPath('apt-get') && process.getuid?.() === 0;
if (!canInstall) {
  fail(
    'The console tests need Chromium at /usr/bin/chromium: install it (sudo apt-get install chromium) or set ' +
      'RESTFLOW_CHROMIUM to a Chromium/Chrome binary, then run npm test again.',
  );
}
process.stderr.write('Chromium is missing: installing Debian’s chromium (apt-get) for the console’s browser tests…\n');
aptInstall('chromium');
if (!isExecutable(browser)) fail(`apt-get installed chromium, but ${browser} is still missing: set RESTFLOW_CHROMIUM.`);
process.stderr.write(`Chromium installed at ${browser}.\n`);
