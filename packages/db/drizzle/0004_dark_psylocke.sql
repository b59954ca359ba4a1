CREATE TABLE `run_placements` (
	`run_id` text PRIMARY KEY NOT NULL,
	`queue` text NOT NULL,
	`job_id` text NOT NULL,
	`worker_id` text,
	`worker_name` text,
	`enqueued_at` integer NOT NULL,
	`claimed_at` integer
);
--> statement-breakpoint
CREATE INDEX `run_placements_worker_idx` ON `run_placements` (`worker_id`);