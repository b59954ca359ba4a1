CREATE TABLE `run_event_compactions` (
	`run_id` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`compacted_at` integer NOT NULL,
	`events_before` integer NOT NULL,
	`events_after` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `run_event_compactions_started_idx` ON `run_event_compactions` (`started_at`);