-- The event outbox. Every state change writes its event row in the transaction that makes the change, so
-- `GET /v1/events` (and a task's history) sees exactly what was committed, in `id` order. It grows out of
-- `task_events`, a request's history, which it keeps: an event about a request names it in `task_id`; other
-- events (a prover, an account) leave it NULL. `kind` says what happened, as `<subject>.<what>`, e.g.
-- `request.proof_verified`; a request's transitions are `request.<cause>`.
ALTER TABLE task_events RENAME TO events;
ALTER INDEX task_events_task RENAME TO events_task;
ALTER SEQUENCE task_events_id_seq RENAME TO events_id_seq;
ALTER TABLE events ALTER COLUMN task_id DROP NOT NULL;
ALTER TABLE events ALTER COLUMN to_status DROP NOT NULL;
ALTER TABLE events ALTER COLUMN cause DROP NOT NULL;
ALTER TABLE events ADD COLUMN kind text;
UPDATE events SET kind = 'request.' || cause;
ALTER TABLE events ALTER COLUMN kind SET NOT NULL;
-- The stream filters by prover (`?prover=`); by request it uses events_task, by kind it scans from the cursor.
CREATE INDEX events_prover ON events (prover_id, id) WHERE prover_id IS NOT NULL;
