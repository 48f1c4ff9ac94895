CREATE TABLE "data_losses" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cluster_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"shard_index" integer,
	"node_id" uuid NOT NULL,
	"loss" text NOT NULL,
	"detail" text NOT NULL,
	"declared_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" uuid
);
--> statement-breakpoint
ALTER TABLE "data_losses" ADD CONSTRAINT "data_losses_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_losses" ADD CONSTRAINT "data_losses_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_losses" ADD CONSTRAINT "data_losses_node_id_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_losses" ADD CONSTRAINT "data_losses_acknowledged_by_api_keys_id_fk" FOREIGN KEY ("acknowledged_by") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "data_losses_unacknowledged" ON "data_losses" USING btree ("cluster_id") WHERE acknowledged_at is null;