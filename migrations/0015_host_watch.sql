CREATE TABLE "host_watch" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"round" bigint DEFAULT 0 NOT NULL,
	"ran_at" timestamp with time zone,
	"since" timestamp with time zone,
	CONSTRAINT "host_watch_one" CHECK ("host_watch"."id" = 1)
);
--> statement-breakpoint
INSERT INTO "host_watch" ("id", "round") VALUES (1, 0) ON CONFLICT DO NOTHING;
