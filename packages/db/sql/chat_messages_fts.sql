-- Message search (ChatSessionService.search) is served by this FTS5 trigram index: a trigram phrase is an exact,
-- case-insensitive substring, the "contains" of docs/entities.md. chat_messages has a text primary key and so no
-- rowid that survives a VACUUM; the index is keyed by its own integer key per message instead, and stores no
-- copy of the text (contentless, deletable rows). The key row names the message's session, so the sessions of
-- a term's matches are read from this small table (in key order, as the index returns them) without touching
-- the messages themselves.
CREATE TABLE `chat_messages_fts_keys` (
  `pk` integer PRIMARY KEY NOT NULL,
  `message_id` text NOT NULL UNIQUE,
  `session_id` text NOT NULL
);
--> statement-breakpoint
CREATE VIRTUAL TABLE `chat_messages_fts` USING fts5(content, content='', contentless_delete=1, tokenize='trigram');
--> statement-breakpoint
INSERT INTO `chat_messages_fts_keys` (message_id, session_id)
  SELECT id, session_id FROM chat_messages ORDER BY session_id, seq;
--> statement-breakpoint
INSERT INTO `chat_messages_fts` (rowid, content)
  SELECT k.pk, m.content FROM chat_messages_fts_keys k JOIN chat_messages m ON m.id = k.message_id;
--> statement-breakpoint
CREATE TRIGGER `chat_messages_fts_ai` AFTER INSERT ON `chat_messages` BEGIN
  INSERT INTO chat_messages_fts_keys (message_id, session_id) VALUES (new.id, new.session_id);
  INSERT INTO chat_messages_fts (rowid, content)
    VALUES ((SELECT pk FROM chat_messages_fts_keys WHERE message_id = new.id), new.content);
END;
--> statement-breakpoint
CREATE TRIGGER `chat_messages_fts_ad` AFTER DELETE ON `chat_messages` BEGIN
  DELETE FROM chat_messages_fts WHERE rowid = (SELECT pk FROM chat_messages_fts_keys WHERE message_id = old.id);
  DELETE FROM chat_messages_fts_keys WHERE message_id = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `chat_messages_fts_au` AFTER UPDATE OF content ON `chat_messages` BEGIN
  DELETE FROM chat_messages_fts WHERE rowid = (SELECT pk FROM chat_messages_fts_keys WHERE message_id = old.id);
  INSERT INTO chat_messages_fts (rowid, content)
    VALUES ((SELECT pk FROM chat_messages_fts_keys WHERE message_id = new.id), new.content);
END;
