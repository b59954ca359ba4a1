// The queries a session's create, read and delete and a message's append run on every call, built and compiled once per database:
// drizzle otherwise builds each query's SQL anew on every call (~30–50 µs each in the loaded daemon), which was
// about half of the work of `sessions.messages.create` on the daemon's event loop (bench/RESULTS.md, "one call's
// work per turn"; packages/db/src/prepared-queries.ts). The values come in as named placeholders; drizzle encodes
// them by their columns (JSON included).
import {
  and,
  asc,
  chatMessages,
  chatSessions,
  type Db,
  eq,
  preparedQueriesOf,
  setPlaceholder,
  sql,
} from '@restflow/db';

const value = (name: string) => sql.placeholder(name);

function build(db: Db) {
  return {
    session: db
      .select()
      .from(chatSessions)
      .where(eq(chatSessions.id, value('id')))
      .prepare(),
    insertSession: db
      .insert(chatSessions)
      .values({
        id: value('id'),
        name: value('name'),
        agentId: value('agent_id'),
        model: value('model'),
        skillId: value('skill_id'),
        createdAt: value('created_at'),
        updatedAt: value('updated_at'),
      })
      .prepare(),
    deleteSession: db
      .delete(chatSessions)
      .where(eq(chatSessions.id, value('id')))
      .prepare(),
    messages: db
      .select()
      .from(chatMessages)
      .where(eq(chatMessages.sessionId, value('session_id')))
      .orderBy(asc(chatMessages.seq))
      .prepare(),
    lastSeq: db
      .select({ seq: sql<number | null>`max(${chatMessages.seq})` })
      .from(chatMessages)
      .where(eq(chatMessages.sessionId, value('session_id')))
      .prepare(),
    hasUserMessage: db
      .select({ id: chatMessages.id })
      .from(chatMessages)
      .where(and(eq(chatMessages.sessionId, value('session_id')), eq(chatMessages.role, 'user')))
      .limit(1)
      .prepare(),
    insertMessage: db
      .insert(chatMessages)
      .values({
        id: value('id'),
        sessionId: value('session_id'),
        seq: value('seq'),
        role: value('role'),
        content: value('content'),
        timestamp: value('timestamp'),
        // JSON text or NULL, given as is: the column's encoder would turn a null into the text 'null'.
        execution: sql`${value('execution')}`,
        runId: value('run_id'),
      })
      .prepare(),
    sessionAfterAppend: db
      .update(chatSessions)
      .set({
        messageCount: setPlaceholder('message_count'),
        totalTokens: setPlaceholder('total_tokens'),
        updatedAt: setPlaceholder('updated_at'),
        lastModel: setPlaceholder('last_model'),
        name: setPlaceholder('name'),
      })
      .where(eq(chatSessions.id, value('id')))
      .prepare(),
  };
}

export type ChatSessionQueries = ReturnType<typeof build>;

/** The prepared queries of `db`, built on first use. */
export const chatSessionQueries = preparedQueriesOf(build);
