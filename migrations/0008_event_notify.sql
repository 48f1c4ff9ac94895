-- Every insert into events wakes the API's event streams at commit (NOTIFY is delivered then),
-- whoever wrote it: the API, a worker, or SQL by hand. The stream then reads from Postgres.
CREATE FUNCTION slotplane_events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('slotplane_events', 'events');
  RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION slotplane_events_notify();
