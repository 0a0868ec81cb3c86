-- Which provers' cached stars are stale, in the database rather than in one process's memory, so that any
-- coordinator replica refreshes them even when the replica that applied an observation died before it could.
-- `observed` counts a prover's observations (bumped by a trigger in the observation's own transaction, so the
-- count and the row commit together); `refreshed` is the count the cache was last computed from. A refresher
-- reads the count first and the observations second: an observation it missed left the count above what it
-- stores, and the prover stays stale until a later pass folds it in.
CREATE TABLE reputation_marks (
  prover_id    text PRIMARY KEY,
  observed     bigint NOT NULL,
  refreshed    bigint NOT NULL DEFAULT 0,
  refreshed_at timestamptz
);
CREATE INDEX reputation_marks_stale ON reputation_marks (refreshed_at) WHERE observed > refreshed;
INSERT INTO reputation_marks (prover_id, observed) SELECT prover_id, count(*) FROM reputation_events GROUP BY prover_id;
CREATE FUNCTION reputation_mark() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO reputation_marks (prover_id, observed) VALUES (NEW.prover_id, 1) ON CONFLICT (prover_id) DO UPDATE SET observed = reputation_marks.observed + 1; RETURN NULL; END $$;
CREATE TRIGGER reputation_mark AFTER INSERT ON reputation_events FOR EACH ROW EXECUTE FUNCTION reputation_mark();
