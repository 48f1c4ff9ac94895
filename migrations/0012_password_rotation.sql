ALTER TABLE "clusters" ADD COLUMN "previous_password" text;--> statement-breakpoint
ALTER TABLE "clusters" ADD COLUMN "previous_password_until" timestamp with time zone;