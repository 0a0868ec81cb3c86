-- The runs of a redundant job (`verifier: "redundant:N"`, src/domain/jobs/runs.ts): one row per provider matched
-- to it, with its results once in. Written only by the job's plans.
CREATE TABLE job_runs (
  job_id       text NOT NULL REFERENCES jobs (job_id),
  provider     text NOT NULL,
  status       text NOT NULL,
  result       jsonb,
  matched_at   timestamptz NOT NULL,
  submitted_at timestamptz,
  PRIMARY KEY (job_id, provider)
);
-- The provider's poll finds its runs.
CREATE INDEX job_runs_provider ON job_runs (provider, status);
