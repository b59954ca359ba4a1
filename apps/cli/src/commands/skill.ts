import fs from 'node:fs/promises';
import path from 'node:path';
import type { RouterOutputs } from '@restflow/api/client';
import type { Argv } from 'yargs';
import { daemonLeaf, type GlobalArgs, group, listOption, noArgs } from '../command.ts';
import { CliError } from '../daemon-connection.ts';
import { formatTime, type Output } from '../output.ts';

type Skill = RouterOutputs['skills']['get'];

/** Same slug rule as the daemon's skill ids (core `skillSlug`); the CLI cannot import core. */
export function slugOf(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 64)
    .replace(/^-+|-+$/g, '');
}

async function readFileArg(file: string, option: string): Promise<string> {
  try {
    return await fs.readFile(path.resolve(file), 'utf8');
  } catch (error) {
    throw new CliError(
      `cannot read ${option} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function showSkill(out: Output, skill: Skill): void {
  out.record(
    [
      ['ID', skill.id],
      ['Name', skill.name],
      ['Description', skill.description],
      ['Tags', skill.tags],
      ['Suggested tools', skill.suggested_tools],
      ['Scripts', skill.scripts?.map((s) => s.path)],
      ['Version', skill.version],
      ['Author', skill.author],
      ['License', skill.license],
      ['Folder', skill.folder_path],
      ['Storage', skill.storage_mode],
      ['Created', formatTime(skill.created_at)],
      ['Updated', formatTime(skill.updated_at)],
    ],
    skill,
  );
  if (!out.json) out.line(`\n${skill.content}`);
}

// Skill ids are slugs people choose, so tables show them whole rather than cut to 8 characters.
const list = daemonLeaf('list', 'List skills (most recently updated first)', noArgs, async (client, _args, out) => {
  const skills = await client.skills.list.query();
  out.table(skills, [
    { header: 'ID', value: (s) => s.id },
    { header: 'Name', value: (s) => s.name },
    { header: 'Updated', value: (s) => formatTime(s.updated_at) },
    { header: 'Tags', value: (s) => s.tags },
  ]);
});

const show = daemonLeaf(
  'show <id>',
  'Show one skill with its content (id or unique prefix)',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => showSkill(out, await client.skills.get.query({ id: args.id })),
);

const fieldOptions = <T>(y: Argv<T>) =>
  y
    .option('description', { alias: 'd', type: 'string', describe: 'One-line description' })
    .option('tags', { type: 'string', describe: 'Comma-separated tags' })
    .option('content', { alias: 'c', type: 'string', describe: 'Markdown body' })
    .option('file', { alias: 'f', type: 'string', describe: 'Read the markdown body from this file' })
    .conflicts('content', 'file');

async function contentOf(args: { content?: string; file?: string }): Promise<string | undefined> {
  return args.file !== undefined ? readFileArg(args.file, '--file') : args.content;
}

const create = daemonLeaf(
  'create',
  'Create a skill (id defaults to the slug of the name)',
  (y) =>
    fieldOptions(
      y
        .option('name', { alias: 'n', type: 'string', demandOption: true, describe: 'Skill name' })
        .option('id', { type: 'string', describe: 'Skill id: a-z, 0-9 and -' }),
    ),
  async (client, args, out) => {
    const skill = await client.skills.create.mutate({
      id: args.id,
      name: args.name,
      description: args.description,
      tags: listOption(args.tags),
      content: (await contentOf(args)) ?? '',
    });
    out.result(`Skill created: ${skill.name} (${skill.id})`, skill);
  },
);

const update = daemonLeaf(
  'update <id>',
  'Update a skill (only the given fields change)',
  (y) =>
    fieldOptions(
      y
        .positional('id', { type: 'string', demandOption: true })
        .option('name', { alias: 'n', type: 'string', describe: 'New name' }),
    ),
  async (client, args, out) => {
    const skill = await client.skills.update.mutate({
      id: args.id,
      name: args.name,
      description: args.description,
      tags: listOption(args.tags),
      content: await contentOf(args),
    });
    out.result(`Skill updated: ${skill.name} (${skill.id})`, skill);
  },
);

const remove = daemonLeaf(
  ['delete <id>', 'rm <id>'],
  'Delete a skill',
  (y) => y.positional('id', { type: 'string', demandOption: true }),
  async (client, args, out) => {
    const result = await client.skills.delete.mutate({ id: args.id });
    out.result(`Skill deleted: ${result.id}`, result);
  },
);

const importSkill = daemonLeaf(
  'import <file>',
  'Import a skill from markdown with YAML frontmatter (replaces a skill with the same id)',
  (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'Path to a .md file' })
      .option('id', { type: 'string', describe: 'Skill id (default: slug of the file name)' }),
  async (client, args, out) => {
    const markdown = await readFileArg(args.file, 'file');
    const fromStem = slugOf(path.basename(args.file, path.extname(args.file)));
    const skill = await client.skills.import.mutate({ id: args.id ?? (fromStem || undefined), markdown });
    out.result(`Skill imported: ${skill.name} (${skill.id})`, skill);
  },
);

const exportSkill = daemonLeaf(
  'export <id>',
  'Export a skill as markdown (to stdout, or to a file with -o)',
  (y) =>
    y
      .positional('id', { type: 'string', demandOption: true })
      .option('output', { alias: 'o', type: 'string', describe: 'Write to this file instead of stdout' }),
  async (client, args, out) => {
    const exported = await client.skills.export.query({ id: args.id });
    if (args.output === undefined) {
      if (out.json) out.printJson(exported);
      else out.write(exported.markdown.endsWith('\n') ? exported.markdown : `${exported.markdown}\n`);
      return;
    }
    const file = path.resolve(args.output);
    await fs.writeFile(file, exported.markdown);
    out.result(`Skill exported: ${exported.id} → ${file}`, { ...exported, path: file });
  },
);

const sync = daemonLeaf(
  'sync [dir]',
  'Sync <dir>/*/SKILL.md folders into skills (default: the data dir skills/ folder)',
  (y: Argv<GlobalArgs>) => y.positional('dir', { type: 'string', describe: 'Folder of skill folders' }),
  async (client, args, out) => {
    const result = await client.skills.sync.mutate({
      dir: args.dir === undefined ? undefined : path.resolve(args.dir),
    });
    out.result(
      `Scanned ${result.scanned}: ${result.created} created, ${result.updated} updated, ${result.skipped} unchanged`,
      result,
    );
    for (const error of result.errors) out.notice(`warning: ${error.path}: ${error.message}`);
  },
);

export const skillCommand = group('skill', 'Manage skills', [
  list,
  show,
  create,
  update,
  remove,
  importSkill,
  exportSkill,
  sync,
]);
