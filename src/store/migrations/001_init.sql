-- Programs: circuits with their proof system and artifacts, addressed by the hash of the artifacts.
-- Built-in programs ship their wasm and zkey under circuits/ (wasm and zkey are NULL here); uploaded
-- programs keep them in the database, so every coordinator on one PostgreSQL can serve them.
CREATE TABLE programs (
  program_id      text PRIMARY KEY,
  name            text NOT NULL,
  proof_system    text NOT NULL,
  input_encoding  text NOT NULL,
  description     text NOT NULL DEFAULT '',
  max_input_bytes integer,
  builtin         boolean NOT NULL DEFAULT false,
  wasm            bytea,
  zkey            bytea,
  vkey            jsonb NOT NULL,
  wasm_sha256     text NOT NULL,
  zkey_sha256     text NOT NULL,
  vkey_sha256     text NOT NULL,
  created_at      timestamptz NOT NULL
);

CREATE TABLE provers (
  prover_id         text PRIMARY KEY,
  supported_levels  integer[] NOT NULL,
  capacity          integer NOT NULL,
  status            text NOT NULL,
  current_load      integer NOT NULL DEFAULT 0,
  registration      jsonb NOT NULL,
  registered_at     timestamptz NOT NULL,
  last_heartbeat_at timestamptz NOT NULL,
  updated_at        timestamptz NOT NULL
);

CREATE TABLE tasks (
  seq                     bigserial UNIQUE,
  task_id                 text PRIMARY KEY,
  privacy_level           integer NOT NULL,
  circuit_data            bytea NOT NULL,
  reward_amount           numeric(78, 0) NOT NULL,
  requester               text NOT NULL,
  priority                integer NOT NULL,
  program_id              text NOT NULL REFERENCES programs (program_id),
  expected_public_signals jsonb NOT NULL,
  status                  text NOT NULL,
  assigned_prover         text REFERENCES provers (prover_id),
  assigned_at             timestamptz,
  attempts                integer NOT NULL DEFAULT 0,
  excluded_provers        text[] NOT NULL DEFAULT '{}',
  deadline                timestamptz NOT NULL,
  request_hash            text NOT NULL,
  created_at              timestamptz NOT NULL,
  updated_at              timestamptz NOT NULL
);

-- The assignment query walks this index in order and stops at the first task it can lock.
CREATE INDEX tasks_pending_order ON tasks (priority DESC, created_at, seq) WHERE status = 'pending';
-- The capacity check counts a prover's held tasks with this index (and no other partial index on held
-- tasks may compete for it: with fresh statistics the planner could not tell them apart).
CREATE INDEX tasks_held_by_prover ON tasks (assigned_prover) WHERE status IN ('assigned', 'in_progress');
-- The sweep runs every second: its queries must not scan the backlog (overdue: status + assigned_at).
CREATE INDEX tasks_status ON tasks (status, assigned_at);
CREATE INDEX tasks_open_deadline ON tasks (deadline) WHERE status IN ('pending', 'assigned', 'in_progress');

-- Every transition of every task: time, from, to, cause.
CREATE TABLE task_events (
  id          bigserial PRIMARY KEY,
  task_id     text NOT NULL REFERENCES tasks (task_id),
  at          timestamptz NOT NULL,
  from_status text,
  to_status   text NOT NULL,
  cause       text NOT NULL,
  prover_id   text,
  detail      jsonb
);
CREATE INDEX task_events_task ON task_events (task_id, id);

-- Every proof submitted, with the verifier's verdict.
CREATE TABLE proofs (
  id                  bigserial PRIMARY KEY,
  task_id             text NOT NULL REFERENCES tasks (task_id),
  prover_id           text NOT NULL,
  submitted_at        timestamptz NOT NULL,
  proof               bytea NOT NULL,
  verification_result text NOT NULL,
  reason              text,
  quality_score       double precision NOT NULL,
  verify_ms           double precision NOT NULL
);
CREATE INDEX proofs_task ON proofs (task_id, id);
