ALTER TABLE "clusters" ADD COLUMN "admin_password" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "replication_password" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "observed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "boot_id" text;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "report_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "run_generation" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "agent_run_generation" integer;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "agent_revision" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "observed_role" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "primary_redis_id" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "link_status" text;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "repl_offset" bigint;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "reachable" boolean;--> statement-breakpoint
ALTER TABLE "nodes" ADD COLUMN "unreachable_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "operations" DROP COLUMN "enqueued_at";--> statement-breakpoint
-- Clusters created before the control plane had users of its own get passwords for them now.
UPDATE "clusters" SET "admin_password" = md5(random()::text || "id"::text), "replication_password" = md5(random()::text || "id"::text) WHERE "admin_password" = '';
