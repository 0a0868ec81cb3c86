-- The marketplace engine: prover profiles, market terms on tasks, auctions, subscriptions, reputation.

-- Prover profiles. `backends` defaults to the snarkjs systems every prover node runs. `reputation_stars` is
-- a cache of reputationOf() over the prover's observations (NULL: no history), refreshed after each of its
-- results, so the pull query can check a request's min_reputation in SQL.
ALTER TABLE provers ADD COLUMN name text;
ALTER TABLE provers ADD COLUMN backends text[] NOT NULL DEFAULT '{groth16,plonk,fflonk}';
ALTER TABLE provers ADD COLUMN gpu_enabled boolean NOT NULL DEFAULT false;
ALTER TABLE provers ADD COLUMN base_price numeric(78, 0) NOT NULL DEFAULT 0;
ALTER TABLE provers ADD COLUMN price_type text NOT NULL DEFAULT 'per_proof';
ALTER TABLE provers ADD COLUMN subscription_quota integer;
ALTER TABLE provers ADD COLUMN proving_speed double precision;
ALTER TABLE provers ADD COLUMN seeded_reputation double precision;
ALTER TABLE provers ADD COLUMN reputation_stars double precision;
ALTER TABLE provers ADD COLUMN response_time_ms double precision;

-- Market terms. Seed tasks are `fixed` at max_price = reward_amount, on their program's proof system.
-- `terms` keeps the rest (the auction spec, the re-auction policy, the subscription) as JSON.
ALTER TABLE tasks ADD COLUMN backend text NOT NULL DEFAULT 'groth16';
ALTER TABLE tasks ADD COLUMN mechanism text NOT NULL DEFAULT 'fixed';
ALTER TABLE tasks ADD COLUMN max_price numeric(78, 0);
ALTER TABLE tasks ADD COLUMN min_reputation double precision NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN allow_list text[];
ALTER TABLE tasks ADD COLUMN terms jsonb;
-- The clearing price once a prover won the request (NULL before).
ALTER TABLE tasks ADD COLUMN price numeric(78, 0);
-- False while a won request waits for its winner's next poll of GET /tasks/assign.
ALTER TABLE tasks ADD COLUMN handed_out boolean NOT NULL DEFAULT true;
-- The auction round the request is in (0: none yet).
ALTER TABLE tasks ADD COLUMN round integer NOT NULL DEFAULT 0;
UPDATE tasks SET max_price = reward_amount;
CREATE INDEX tasks_undelivered ON tasks (assigned_prover) WHERE NOT handed_out;

-- One row per auction round of a request that is not `fixed`. `state` is the engine's AuctionState (JSON
-- with bigints and dates tagged); the scheduler looks at open rounds whose next_deadline has come.
CREATE TABLE auctions (
  task_id       text NOT NULL REFERENCES tasks (task_id),
  round         integer NOT NULL,
  mechanism     text NOT NULL,
  backend       text NOT NULL,
  open          boolean NOT NULL,
  state         jsonb NOT NULL,
  next_deadline timestamptz,
  opened_at     timestamptz NOT NULL,
  closed_at     timestamptz,
  PRIMARY KEY (task_id, round)
);
CREATE INDEX auctions_open ON auctions (next_deadline) WHERE open;

-- What each settled attempt says about its prover: the inputs of reputationOf().
CREATE TABLE reputation_events (
  id          bigserial PRIMARY KEY,
  prover_id   text NOT NULL,
  task_id     text NOT NULL,
  at          timestamptz NOT NULL,
  success     boolean NOT NULL,
  quality     double precision NOT NULL,
  expected_ms double precision NOT NULL,
  actual_ms   double precision NOT NULL,
  cause       text NOT NULL
);
CREATE INDEX reputation_events_prover ON reputation_events (prover_id, id DESC);

CREATE TABLE subscriptions (
  subscription_id text PRIMARY KEY,
  requester       text NOT NULL,
  prover_id       text NOT NULL REFERENCES provers (prover_id),
  period          text NOT NULL,
  fee             numeric(78, 0) NOT NULL,
  quota           integer,
  used            integer NOT NULL DEFAULT 0,
  starts_at       timestamptz NOT NULL,
  ends_at         timestamptz NOT NULL,
  created_at      timestamptz NOT NULL
);
