-- Container jobs (seed 004): a second kind of work beside proof requests. A job's row is written only by its
-- plans (src/domain/jobs/transitions.ts, applied by src/store/jobs.ts), each with its outbox event.
CREATE TABLE jobs (
  job_id      text PRIMARY KEY,
  requester   text NOT NULL,
  spec        jsonb NOT NULL,
  price       numeric(78, 0) NOT NULL,
  status      text NOT NULL,
  provider    text,
  fund_tx     text,
  result      jsonb,
  failure     text,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  funded_at   timestamptz,
  assigned_at timestamptz
);
-- The provider's poll (`GET /jobs?status=MATCHED&provider=…`) and the requester's list.
CREATE INDEX jobs_provider ON jobs (provider, status) WHERE provider IS NOT NULL;
CREATE INDEX jobs_requester ON jobs (requester, created_at);
-- The sweep expires funded jobs nobody took.
CREATE INDEX jobs_funded ON jobs (funded_at) WHERE status = 'FUNDED';
-- A job's events name it here (task_id stays the requests' column, with its foreign key).
ALTER TABLE events ADD COLUMN job_id text;
CREATE INDEX events_job ON events (job_id, id) WHERE job_id IS NOT NULL;
-- What providers of container capacity advertise: the images they hold locally and their capacity. Matching
-- checks a job's image against it (ImageAvailability); automatic matching chooses among them.
CREATE TABLE job_providers (
  provider   text PRIMARY KEY,
  images     text[] NOT NULL,
  capacity   jsonb NOT NULL,
  updated_at timestamptz NOT NULL
);
