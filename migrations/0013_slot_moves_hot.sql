ALTER TABLE "slot_moves" ADD COLUMN "finished_at" timestamp with time zone;--> statement-breakpoint
UPDATE "slot_moves" SET "finished_at" = "updated_at" WHERE "state" = 'done';--> statement-breakpoint
DROP INDEX "slot_moves_open_slot";--> statement-breakpoint
CREATE UNIQUE INDEX "slot_moves_open_slot" ON "slot_moves" USING btree ("cluster_id","slot") WHERE "slot_moves"."finished_at" is null;--> statement-breakpoint
ALTER TABLE "slot_moves" ADD CONSTRAINT "slot_moves_finished_when_done" CHECK (("slot_moves"."state" = 'done') = ("slot_moves"."finished_at" is not null));--> statement-breakpoint
-- Room on each page for the journal's in-place (HOT) state writes; applies to pages written from now on.
ALTER TABLE "slot_moves" SET (fillfactor = 70);
