CREATE TABLE "slot_moves" (
	"id" uuid PRIMARY KEY NOT NULL,
	"cluster_id" uuid NOT NULL,
	"operation_id" uuid,
	"slot" integer NOT NULL,
	"source_node_id" uuid NOT NULL,
	"target_node_id" uuid NOT NULL,
	"state" text DEFAULT 'planned' NOT NULL,
	"keys_moved" integer DEFAULT 0 NOT NULL,
	"bytes_moved" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
DROP INDEX "shards_cluster_index";--> statement-breakpoint
ALTER TABLE "shards" ADD COLUMN "removed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "operations" ADD COLUMN "params" jsonb;--> statement-breakpoint
ALTER TABLE "slot_moves" ADD CONSTRAINT "slot_moves_cluster_id_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."clusters"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slot_moves" ADD CONSTRAINT "slot_moves_operation_id_operations_id_fk" FOREIGN KEY ("operation_id") REFERENCES "public"."operations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slot_moves" ADD CONSTRAINT "slot_moves_source_node_id_nodes_id_fk" FOREIGN KEY ("source_node_id") REFERENCES "public"."nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slot_moves" ADD CONSTRAINT "slot_moves_target_node_id_nodes_id_fk" FOREIGN KEY ("target_node_id") REFERENCES "public"."nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "slot_moves_open" ON "slot_moves" USING btree ("cluster_id","state");--> statement-breakpoint
CREATE INDEX "slot_moves_operation" ON "slot_moves" USING btree ("operation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "shards_cluster_index_live" ON "shards" USING btree ("cluster_id","index") WHERE removed_at is null;