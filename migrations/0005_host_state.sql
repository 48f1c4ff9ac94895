ALTER TABLE "events" ALTER COLUMN "tenant_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "state" text DEFAULT 'up' NOT NULL;