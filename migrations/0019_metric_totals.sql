CREATE TABLE "metric_totals" (
	"name" text NOT NULL,
	"labels" text DEFAULT '' NOT NULL,
	"value" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "metric_totals_name_labels_pk" PRIMARY KEY("name","labels")
);
