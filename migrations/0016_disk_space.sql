ALTER TABLE "hosts" ADD COLUMN "disk_free_bytes" bigint;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "disk_total_bytes" bigint;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "start_failure" jsonb;