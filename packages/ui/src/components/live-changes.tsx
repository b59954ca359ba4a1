'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useState } from 'react';
import { ChangeBatcher } from '../lib/change-batcher';
import { type RouterOutputs, useTRPC } from '../lib/trpc';

type Trpc = ReturnType<typeof useTRPC>;
type Change = RouterOutputs['system']['onChanges'] extends AsyncIterable<infer C> ? C : never;
type ChangeEntity = Change['entity'];

/** Which queries a change makes stale: the whole router of that entity (lists, details, stats alike). */
function routerKey(trpc: Trpc, entity: ChangeEntity) {
  const keys: Record<ChangeEntity, () => unknown[]> = {
    agents: () => trpc.agents.pathKey(),
    skills: () => trpc.skills.pathKey(),
    sessions: () => trpc.sessions.pathKey(),
    tasks: () => trpc.tasks.pathKey(),
    memory: () => trpc.memory.pathKey(),
    secrets: () => trpc.secrets.pathKey(),
    auth: () => trpc.auth.pathKey(),
    config: () => trpc.config.pathKey(),
    security: () => trpc.security.pathKey(),
    terminals: () => trpc.terminals.pathKey(),
    shared: () => trpc.shared.pathKey(),
    mcp: () => trpc.mcp.pathKey(),
  };
  return keys[entity]();
}

/**
 * Keeps every open page current with edits made elsewhere (CLI, scripts, another tab, the scheduler): one
 * subscription per page refetches the queries of whatever changed. Rendered once, in the providers.
 */
export function LiveChanges() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [batcher] = useState(
    () =>
      new ChangeBatcher<ChangeEntity>((entities) => {
        for (const entity of entities) {
          void queryClient.invalidateQueries({ queryKey: routerKey(trpc, entity) });
          // A session changes when one of its runs starts or ends: the runs lists and pages (sidebar states, Runs view) follow.
          if (entity === 'sessions') void queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
        }
      }),
  );
  useEffect(() => () => batcher.dispose(), [batcher]);
  useSubscription(
    trpc.system.onChanges.subscriptionOptions(undefined, { onData: (change) => batcher.add(change.entity) }),
  );
  return null;
}
