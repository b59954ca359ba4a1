-- Keyword search over memory is served by this FTS5 index, never by a table scan. The trigram tokenizer
-- gives case-insensitive substring matching ("every token contained"), the semantics of docs/entities.md#search.
CREATE VIRTUAL TABLE `memory_chunks_fts` USING fts5(content, content='memory_chunks', content_rowid='pk', tokenize='trigram');
--> statement-breakpoint
CREATE TRIGGER `memory_chunks_fts_ai` AFTER INSERT ON `memory_chunks` BEGIN
  INSERT INTO memory_chunks_fts(rowid, content) VALUES (new.pk, new.content);
END;
--> statement-breakpoint
CREATE TRIGGER `memory_chunks_fts_ad` AFTER DELETE ON `memory_chunks` BEGIN
  INSERT INTO memory_chunks_fts(memory_chunks_fts, rowid, content) VALUES ('delete', old.pk, old.content);
END;
--> statement-breakpoint
CREATE TRIGGER `memory_chunks_fts_au` AFTER UPDATE OF content ON `memory_chunks` BEGIN
  INSERT INTO memory_chunks_fts(memory_chunks_fts, rowid, content) VALUES ('delete', old.pk, old.content);
  INSERT INTO memory_chunks_fts(rowid, content) VALUES (new.pk, new.content);
END;
