CREATE TABLE `agents` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`agent` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `agents_updated_idx` ON `agents` (`updated_at`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`prefix` text NOT NULL,
	`read_only` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_name_idx` ON `api_tokens` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_idx` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `chat_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`seq` integer NOT NULL,
	`role` text NOT NULL,
	`content` text NOT NULL,
	`timestamp` integer NOT NULL,
	`execution` text,
	`run_id` text,
	FOREIGN KEY (`session_id`) REFERENCES `chat_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `chat_messages_session_seq_idx` ON `chat_messages` (`session_id`,`seq`);--> statement-breakpoint
CREATE TABLE `chat_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text DEFAULT 'New Chat' NOT NULL,
	`agent_id` text NOT NULL,
	`model` text NOT NULL,
	`skill_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`total_tokens` integer DEFAULT 0 NOT NULL,
	`message_count` integer DEFAULT 0 NOT NULL,
	`last_model` text
);
--> statement-breakpoint
CREATE INDEX `chat_sessions_agent_idx` ON `chat_sessions` (`agent_id`);--> statement-breakpoint
CREATE INDEX `chat_sessions_skill_idx` ON `chat_sessions` (`skill_id`);--> statement-breakpoint
CREATE INDEX `chat_sessions_updated_idx` ON `chat_sessions` (`updated_at`);--> statement-breakpoint
CREATE TABLE `auth_profiles` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`credential` text NOT NULL,
	`source` text NOT NULL,
	`provider` text NOT NULL,
	`health` text DEFAULT 'unknown' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`priority` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`last_used_at` text,
	`last_failed_at` text,
	`failure_count` integer DEFAULT 0 NOT NULL,
	`cooldown_until` text
);
--> statement-breakpoint
CREATE INDEX `auth_profiles_provider_idx` ON `auth_profiles` (`provider`);--> statement-breakpoint
CREATE TABLE `secrets` (
	`key` text PRIMARY KEY NOT NULL,
	`ciphertext` text NOT NULL,
	`description` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mcp_servers` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`transport` text NOT NULL,
	`command` text,
	`args` text,
	`url` text,
	`header_names` text,
	`headers_ciphertext` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `mcp_servers_name_idx` ON `mcp_servers` (`name`);--> statement-breakpoint
CREATE TABLE `memory_chunk_tags` (
	`chunk_id` text NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`chunk_id`, `tag`),
	FOREIGN KEY (`chunk_id`) REFERENCES `memory_chunks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `memory_chunk_tags_tag_idx` ON `memory_chunk_tags` (`tag`);--> statement-breakpoint
CREATE TABLE `memory_chunks` (
	`pk` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`agent_id` text NOT NULL,
	`session_id` text,
	`content` text NOT NULL,
	`content_hash` text NOT NULL,
	`source_type` text NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	`tags` text NOT NULL,
	`token_count` integer,
	`embedding_model` text,
	`embedding_dim` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `memory_chunks_id_unique` ON `memory_chunks` (`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `memory_chunks_content_hash_unique` ON `memory_chunks` (`content_hash`);--> statement-breakpoint
CREATE INDEX `memory_chunks_agent_idx` ON `memory_chunks` (`agent_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `memory_chunks_session_idx` ON `memory_chunks` (`session_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `memory_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`agent_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`chunk_count` integer DEFAULT 0 NOT NULL,
	`total_tokens` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`tags` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `memory_sessions_agent_idx` ON `memory_sessions` (`agent_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `run_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `run_events_run_seq_idx` ON `run_events` (`run_id`,`seq`);--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`agent_id` text,
	`session_id` text,
	`task_id` text,
	`message_id` text,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`error` text,
	`parent_run_id` text,
	`root_run_id` text,
	`agent_name` text
);
--> statement-breakpoint
CREATE INDEX `runs_status_idx` ON `runs` (`status`);--> statement-breakpoint
CREATE INDEX `runs_parent_idx` ON `runs` (`parent_run_id`);--> statement-breakpoint
CREATE INDEX `runs_root_idx` ON `runs` (`root_run_id`);--> statement-breakpoint
CREATE INDEX `runs_task_idx` ON `runs` (`task_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `runs_session_idx` ON `runs` (`session_id`);--> statement-breakpoint
CREATE TABLE `pending_approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`command` text NOT NULL,
	`workdir` text,
	`task_id` text,
	`agent_id` text,
	`run_id` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`rejection_reason` text
);
--> statement-breakpoint
CREATE INDEX `pending_approvals_status_idx` ON `pending_approvals` (`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `security_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`default_action` text DEFAULT 'require_approval' NOT NULL,
	`allowlist` text NOT NULL,
	`blocklist` text NOT NULL,
	`approval_required` text NOT NULL,
	`approval_timeout_secs` integer DEFAULT 300 NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `skills` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`tags` text,
	`content` text NOT NULL,
	`folder_path` text,
	`suggested_tools` text,
	`scripts` text,
	`references` text,
	`gating` text,
	`version` text,
	`author` text,
	`license` text,
	`content_hash` text,
	`storage_mode` text DEFAULT 'DatabaseOnly' NOT NULL,
	`is_synced` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `skills_updated_idx` ON `skills` (`updated_at`);--> statement-breakpoint
CREATE TABLE `shared_space` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`visibility` text DEFAULT 'public' NOT NULL,
	`owner` text,
	`content_type` text,
	`type_hint` text,
	`tags` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_modified_by` text
);
--> statement-breakpoint
CREATE INDEX `shared_space_owner_idx` ON `shared_space` (`owner`);--> statement-breakpoint
CREATE TABLE `system_config` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `terminal_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`status` text DEFAULT 'running' NOT NULL,
	`history` text,
	`stopped_at` integer,
	`working_directory` text,
	`startup_command` text
);
--> statement-breakpoint
CREATE TABLE `task_events` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`event_type` text NOT NULL,
	`timestamp` integer NOT NULL,
	`message` text,
	`output` text,
	`duration_ms` integer,
	`run_id` text,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `task_events_task_idx` ON `task_events` (`task_id`,`timestamp`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`agent_id` text NOT NULL,
	`description` text,
	`input` text,
	`schedule` text NOT NULL,
	`execution_mode` text NOT NULL,
	`notification` text NOT NULL,
	`memory` text NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_run_at` integer,
	`next_run_at` integer,
	`success_count` integer DEFAULT 0 NOT NULL,
	`failure_count` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`webhook` text
);
--> statement-breakpoint
CREATE INDEX `tasks_due_idx` ON `tasks` (`status`,`next_run_at`);--> statement-breakpoint
CREATE INDEX `tasks_agent_idx` ON `tasks` (`agent_id`);--> statement-breakpoint
CREATE TABLE `llm_calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` text NOT NULL,
	`agent_id` text,
	`task_id` text,
	`session_id` text,
	`model` text NOT NULL,
	`provider` text NOT NULL,
	`input_tokens` integer NOT NULL,
	`output_tokens` integer NOT NULL,
	`cached_tokens` integer DEFAULT 0 NOT NULL,
	`reasoning_tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`priced` integer DEFAULT true NOT NULL,
	`duration_ms` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `llm_calls_run_idx` ON `llm_calls` (`run_id`);--> statement-breakpoint
CREATE INDEX `llm_calls_created_idx` ON `llm_calls` (`created_at`);--> statement-breakpoint
CREATE INDEX `llm_calls_agent_idx` ON `llm_calls` (`agent_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `llm_calls_task_idx` ON `llm_calls` (`task_id`,`created_at`);