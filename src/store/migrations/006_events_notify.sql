-- The event stream's two guarantees from the database (src/store/events.ts, src/coordinator/events/).
-- 1. An event's id is taken only once its transaction has an xid. With `DEFAULT nextval(...)` the id is drawn
--    before the row is written, and a transaction that has written nothing yet has no xid: a snapshot taken in
--    between lists no transaction that could still commit that id, and a reader would skip it as rolled back.
--    Drawn here, after pg_current_xact_id() gave the transaction its xid, an id missing from a snapshot that
--    shows a later one belongs to a transaction that snapshot lists as in progress, or to none that can commit.
-- 2. Every statement that inserts events notifies `pm_events` when it commits (a rolled-back one does not), so
--    every coordinator process LISTENing on this database wakes up, whichever process wrote.
CREATE FUNCTION events_take_id() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_current_xact_id(); NEW.id := nextval('events_id_seq'); RETURN NEW; END $$;
ALTER TABLE events ALTER COLUMN id DROP DEFAULT;
CREATE TRIGGER events_take_id BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION events_take_id();
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('pm_events', ''); RETURN NULL; END $$;
CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION events_notify();
