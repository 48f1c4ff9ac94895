ALTER TABLE "nodes" ADD COLUMN "exited_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "config_epoch" bigint;