CREATE TABLE "idempotency_keys" (
	"tenant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"fingerprint" text NOT NULL,
	"status" integer NOT NULL,
	"headers" jsonb NOT NULL,
	"body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_tenant_id_key_pk" PRIMARY KEY("tenant_id","key")
);
--> statement-breakpoint
DROP INDEX "operations_idempotency";--> statement-breakpoint
ALTER TABLE "api_keys" ALTER COLUMN "role" SET DEFAULT 'write';--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "name" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "last_used_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "max_clusters" integer;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "max_nodes" integer;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "max_memory_mb" integer;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "operations" DROP COLUMN "idempotency_key";--> statement-breakpoint
UPDATE "api_keys" SET "role" = 'write' WHERE "role" = 'tenant';
