-- A job provider's stake (src/domain/jobs/stake.ts): a job may ask each provider's run to lock `min_stake` of the
-- provider's stake (the prover stake of the same id). The locks are rows of stake_locks like a request's, naming
-- the job instead of a task, so a prover's `locked:` account still equals the sum of its open locks, and a job's
-- slash is a row of slashes (its task_id column holds the job id).
ALTER TABLE jobs ADD COLUMN min_stake numeric(78, 0) NOT NULL DEFAULT 0;
ALTER TABLE stake_locks ALTER COLUMN task_id DROP NOT NULL;
ALTER TABLE stake_locks ADD COLUMN job_id text REFERENCES jobs (job_id);
ALTER TABLE stake_locks ADD CONSTRAINT stake_locks_one_kind_of_work CHECK ((task_id IS NULL) <> (job_id IS NULL));
CREATE UNIQUE INDEX stake_locks_open_job ON stake_locks (job_id, prover_id) WHERE state = 'locked' AND job_id IS NOT NULL;
