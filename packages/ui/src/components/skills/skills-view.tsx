'use client';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, useEffect, useRef, useState } from 'react';
import { downloadText, markdownBody } from '../../lib/download';
import { formatRelative } from '../../lib/format';
import { useListSelection } from '../../lib/list-selection';
import { useTRPC } from '../../lib/trpc';
import { Markdown } from '../markdown';
import { Badge, Card, Empty, ErrorNote, PageHeader } from '../ui';

const NEW_SKILL = `---
name: My skill
description: What the skill is for, in one line
tags: [example]
---

# My skill

Steps the agent follows when this skill is used.
`;

/**
 * A skill is edited as the Markdown file it exports to (YAML frontmatter + body); saving imports it again under
 * the same id, so what is edited here is exactly what `restflow skill export` writes.
 */
function SkillEditor({ id, onSaved }: { id: string | null; onSaved(id: string): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const exported = useQuery(trpc.skills.export.queryOptions(id ? { id } : skipToken));
  const [text, setText] = useState<string | null>(id ? null : NEW_SKILL);
  const [preview, setPreview] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (exported.data && text === null) setText(exported.data.markdown);
  }, [exported.data, text]);
  const save = useMutation(
    trpc.skills.import.mutationOptions({
      onSuccess: async (skill) => {
        await queryClient.invalidateQueries({ queryKey: trpc.skills.pathKey() });
        // Show the stored form (the export normalises the frontmatter).
        if (id) setText(null);
        setSaved(true);
        onSaved(skill.id);
      },
    }),
  );
  const remove = useMutation(
    trpc.skills.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.skills.pathKey() });
        onSaved('');
      },
    }),
  );
  const markdown = text ?? '';
  const dirty = id ? exported.data !== undefined && markdown !== exported.data.markdown : true;
  return (
    <Card
      title={id ? `Edit ${id}` : 'New skill'}
      actions={
        <>
          <button type="button" className="small" onClick={() => setPreview((p) => !p)}>
            {preview ? 'Edit' : 'Preview'}
          </button>
          {id && exported.data ? (
            <button
              type="button"
              className="small"
              onClick={() => downloadText(exported.data.filename, exported.data.markdown)}
            >
              Export .md
            </button>
          ) : null}
          {id ? (
            <button
              type="button"
              className="small danger"
              onClick={() => window.confirm(`Delete skill ${id}?`) && remove.mutate({ id })}
            >
              Delete
            </button>
          ) : null}
        </>
      }
    >
      <ErrorNote error={exported.error ?? remove.error} />
      {preview ? (
        <div className="message assistant" data-testid="skill-preview">
          <Markdown className="content" text={markdownBody(markdown)} />
        </div>
      ) : (
        <textarea
          aria-label="Skill markdown"
          className="editor"
          value={markdown}
          onChange={(e) => {
            setSaved(false);
            setText(e.target.value);
          }}
          spellCheck={false}
        />
      )}
      <div className="hint">
        Frontmatter: <code>name</code> (required), <code>description</code>, <code>tags</code>,{' '}
        <code>suggested_tools</code>, <code>version</code>, <code>author</code>, <code>license</code>, …; the body below
        it is the skill’s content.
      </div>
      <ErrorNote error={save.error} />
      <div className="form-actions">
        <button
          type="button"
          className="primary"
          disabled={save.isPending || !dirty || !markdown.trim()}
          onClick={() => {
            setSaved(false);
            save.mutate(id ? { id, markdown } : { markdown });
          }}
        >
          {id ? 'Save' : 'Create skill'}
        </button>
        {saved && !dirty ? <span className="success">Saved.</span> : null}
      </div>
    </Card>
  );
}

export function SkillsView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { selectedId, creating, open } = useListSelection('/skills');
  const skills = useQuery(trpc.skills.list.queryOptions());
  const fileInput = useRef<HTMLInputElement>(null);
  const importFile = useMutation(
    trpc.skills.import.mutationOptions({
      onSuccess: async (skill) => {
        await queryClient.invalidateQueries({ queryKey: trpc.skills.pathKey() });
        open(`?id=${skill.id}`);
      },
    }),
  );
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (file) importFile.mutate({ markdown: await file.text() });
  };

  return (
    <div className="page">
      <PageHeader title="Skills">
        <input
          ref={fileInput}
          type="file"
          accept=".md,text/markdown,text/plain"
          aria-label="Skill file to import"
          style={{ display: 'none' }}
          onChange={onFile}
        />
        <button type="button" onClick={() => fileInput.current?.click()} disabled={importFile.isPending}>
          Import .md
        </button>
        <button type="button" className="primary" onClick={() => open('?new=1')}>
          New skill
        </button>
      </PageHeader>
      <ErrorNote error={skills.error ?? importFile.error} />
      <div className="split">
        <Card>
          {skills.isPending ? <Empty>Loading…</Empty> : null}
          {skills.data?.length === 0 ? (
            <Empty>No skills yet. A skill is a Markdown playbook an agent can follow.</Empty>
          ) : null}
          <div data-testid="skill-list">
            {skills.data?.map((skill) => (
              <button
                type="button"
                key={skill.id}
                className={`list-item${skill.id === selectedId ? ' active' : ''}`}
                onClick={() => open(`?id=${skill.id}`)}
              >
                <strong>{skill.name}</strong>
                <div className="hint">{skill.description ?? <span className="muted">no description</span>}</div>
                <div className="meta">
                  <span className="mono">{skill.id}</span>
                  {skill.tags?.map((tag) => (
                    <Badge key={tag}>{tag}</Badge>
                  ))}
                  {skill.is_synced ? <Badge tone="accent">folder</Badge> : null}
                  <span>{formatRelative(skill.updated_at)}</span>
                </div>
              </button>
            ))}
          </div>
        </Card>
        {creating ? (
          <SkillEditor key="new" id={null} onSaved={(id) => open(id ? `?id=${id}` : '')} />
        ) : selectedId ? (
          <SkillEditor key={selectedId} id={selectedId} onSaved={(id) => open(id ? `?id=${id}` : '')} />
        ) : (
          <Card>
            <Empty>Pick a skill to edit it, create one, or import a .md file.</Empty>
          </Card>
        )}
      </div>
    </div>
  );
}
