// The queries a session's create, read and delete and a message's append run on every call, built and compiled once per
// database: drizzle otherwise builds each query's SQL anew on every call (~30–50 µs each in the loaded daemon), which
// was about half of the work of `sessions.messages.create` on the daemon's event loop (bench/RESULTS.md, "one call's
// work per turn"; packages/db/src/prepared-queries.ts). The values come in as named placeholders; drizzle encodes them
// by their columns (JSON included).
import {
  and,
  asc,
  chatMessages,
  chatSessions,
  type Db,
  eq,
  placeholder,
  preparedQueriesOf,
  rawPlaceholder,
  sql,
} from '@restflow/db';

function build(db: Db) {
  return {
    session: db
      .select()
      .from(chatSessions)
      .where(eq(chatSessions.id, placeholder('id')))
      .prepare(),
    insertSession: db
      .insert(chatSessions)
      .values({
        id: placeholder('id'),
        name: placeholder('name'),
        agentId: placeholder('agent_id'),
        model: placeholder('model'),
        skillId: placeholder('skill_id'),
        createdAt: placeholder('created_at'),
        updatedAt: placeholder('updated_at'),
      })
      .prepare(),
    deleteSession: db
      .delete(chatSessions)
      .where(eq(chatSessions.id, placeholder('id')))
      .prepare(),
    messages: db
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.sessionId, placeholder('session_id')))
      .orderBy(asc(chatMessages.seq))
      .prepare(),
    lastSeq: db
      .select({ seq: sql<number | null>`max(${chatMessages.seq})` })
      .from(chatMessages)
      .where(eq(chatMessages.sessionId, placeholder('session_id')))
      .prepare(),
    hasUserMessage: db
      .select({ id: chatMessages.id })
      .from(chatMessages)
      .where(and(eq(chatMessages.sessionId, placeholder('session_id')), eq(chatMessages.role, 'user')))
      .limit(1)
      .prepare(),
    insertMessage: db
      .insert(chatMessages)
      .values({
        id: placeholder('id'),
        sessionId: placeholder('session_id'),
        seq: placeholder('seq'),
        role: placeholder('role'),
        content: placeholder('content'),
        timestamp: placeholder('timestamp'),
        // JSON text or NULL, given as is (rawPlaceholder says why).
        execution: rawPlaceholder('execution'),
        runId: placeholder('run_id'),
      })
      .prepare(),
    sessionAfterAppend: db
      .update(chatSessions)
      .set({
        messageCount: rawPlaceholder('message_count'),
        totalTokens: rawPlaceholder('total_tokens'),
        updatedAt: rawPlaceholder('updated_at'),
        lastModel: rawPlaceholder('last_model'),
        name: rawPlaceholder('name'),
      })
      .where(eq(chatSessions.id, placeholder('id')))
      .prepare(),
  };
}

export type ChatSessionQueries = ReturnType<typeof build>;

/** The prepared queries of `db`, built on first use. */
export const chatSessionQueries = preparedQueriesOf(build);
