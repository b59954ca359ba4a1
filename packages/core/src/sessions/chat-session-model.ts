import type { ChatRole, ExecutionStepInfo, MessageExecution } from '@restflow/db';

export type { ChatRole, ExecutionStepInfo, MessageExecution };

export const DEFAULT_SESSION_NAME = 'New Chat';
/** The session model that means "whatever the agent uses". */
export const DEFAULT_SESSION_MODEL = 'default';

/** Wire shape of a chat message (docs/entities.md#chat-sessions-and-messages). */
export interface ChatMessage {
  id: string;
  role: ChatRole;
  content: string;
  timestamp: number;
  execution?: MessageExecution;
  /** The run that produced the message (assistant messages written by the engine). */
  run_id?: string;
}

/** A message as stored, with its place in the session. */
export interface StoredChatMessage extends ChatMessage {
  session_id: string;
  /** 1-based, gap-free order within the session. */
  seq: number;
}

export interface ChatSessionMetadata {
  total_tokens: number;
  message_count: number;
  last_model?: string;
}

export interface ChatSession {
  id: string;
  name: string;
  agent_id: string;
  model: string;
  messages: ChatMessage[];
  created_at: number;
  updated_at: number;
  skill_id?: string;
  metadata: ChatSessionMetadata;
}

export interface ChatSessionSummary {
  id: string;
  name: string;
  agent_id: string;
  model: string;
  skill_id?: string;
  message_count: number;
  updated_at: number;
  last_message_preview?: string;
}

export interface ChatSessionSearchHit extends ChatSessionSummary {
  /** Messages whose content contains the query. */
  match_count: number;
  /** Text around the first match in a message; absent when only the name matched. */
  match_preview?: string;
}

export interface NewChatSession {
  /** Default: the first agent created. */
  agent_id?: string;
  /** Default: the agent's model, else "default". */
  model?: string;
  name?: string;
  skill_id?: string;
}

export interface ChatSessionPatch {
  name?: string;
  agent_id?: string;
  model?: string;
}

export interface NewChatMessage {
  role: ChatRole;
  content: string;
  execution?: MessageExecution;
  runId?: string;
  /** The model that wrote an assistant message; recorded as the session's last_model. */
  model?: string;
}

export interface ChatMessagePatch {
  content?: string;
  execution?: MessageExecution;
}
