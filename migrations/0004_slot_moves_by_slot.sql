DROP INDEX "slot_moves_open";--> statement-breakpoint
CREATE UNIQUE INDEX "slot_moves_open_slot" ON "slot_moves" USING btree ("cluster_id","slot") WHERE "slot_moves"."state" <> 'done';