DROP INDEX `chat_sessions_agent_idx`;--> statement-breakpoint
DROP INDEX `chat_sessions_updated_idx`;--> statement-breakpoint
CREATE INDEX `chat_sessions_agent_updated_idx` ON `chat_sessions` (`agent_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `chat_sessions_updated_idx` ON `chat_sessions` (`updated_at`,`id`);--> statement-breakpoint
DROP INDEX `runs_session_idx`;--> statement-breakpoint
CREATE INDEX `runs_agent_idx` ON `runs` (`agent_id`,`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_started_idx` ON `runs` (`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `runs_session_idx` ON `runs` (`session_id`,`started_at`,`id`);--> statement-breakpoint
CREATE INDEX `memory_chunks_created_idx` ON `memory_chunks` (`created_at`);