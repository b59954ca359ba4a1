// The CLI keeps yargs from rendering a command's help after its handler starts (src/skip-help-cache.ts). These
// reach into yargs' internals, so they also check that the internals are still there in the pinned version.
import { describe, expect, it } from '@jest/globals';
import yargs from 'yargs';
import { skipHelpCache, usageOf } from '../src/skip-help-cache.ts';

async function runCommand(skip: boolean) {
  const ran: string[] = [];
  const cli = yargs(['agent', 'list'])
    .command('agent list', 'List agents', {}, async () => {
      ran.push('list');
    })
    .help()
    .exitProcess(false);
  if (skip) skipHelpCache(cli);
  await cli.parseAsync();
  return { ran, cached: usageOf(cli)?.hasCachedHelpMessage?.() };
}

describe('skipHelpCache', () => {
  it('yargs renders and keeps the help of a command it ran, unless told not to', async () => {
    expect(await runCommand(false)).toEqual({ ran: ['list'], cached: true });
    expect(await runCommand(true)).toEqual({ ran: ['list'], cached: false });
  });

  it('leaves --help as it was', async () => {
    let help = '';
    const cli = yargs()
      .command('agent list', 'List agents', {}, () => {})
      .help()
      .exitProcess(false);
    skipHelpCache(cli);
    await cli.parseAsync(['agent', 'list', '--help'], {}, (_error, _argv, output) => {
      help = output;
    });
    expect(help).toContain('List agents');
  });
});
