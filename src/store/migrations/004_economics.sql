-- Economics and access control: identities, submitters, the audit log, the double-entry ledger, stake locks,
-- unstaking and slashes. Addresses are EVM addresses in lower case ("0x" + 40 hex).

-- A prover's owner (NULL: registered unsigned, in --open mode) and why the operator suspended it.
ALTER TABLE provers ADD COLUMN owner text;
ALTER TABLE provers ADD COLUMN suspended_reason text;
-- The stake a winner must have free to take the request (Boundless: lockStake), locked while it holds it.
ALTER TABLE tasks ADD COLUMN min_stake numeric(78, 0) NOT NULL DEFAULT 0;

-- Nonces of signed calls already seen, kept for twice the timestamp window (a replay inside it is refused).
CREATE TABLE auth_nonces (
  address text NOT NULL,
  nonce   text NOT NULL,
  seen_at timestamptz NOT NULL,
  PRIMARY KEY (address, nonce)
);
CREATE INDEX auth_nonces_seen ON auth_nonces (seen_at);

-- Submitter keys a prover's owner allows to bid and submit for it. The submitter consents first; the owner
-- then authorizes; either side may revoke. A row is live when consented, authorized and not revoked.
CREATE TABLE submitters (
  prover_id     text NOT NULL REFERENCES provers (prover_id),
  address       text NOT NULL,
  consented_at  timestamptz,
  authorized_at timestamptz,
  revoked_at    timestamptz,
  revoked_by    text,
  PRIMARY KEY (prover_id, address)
);
CREATE INDEX submitters_address ON submitters (address);

-- What the market operator did, and why.
CREATE TABLE audit_log (
  id     bigserial PRIMARY KEY,
  at     timestamptz NOT NULL,
  actor  text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  reason text,
  detail jsonb
);

-- The ledger. An account's balance is the sum of its entries; no balance goes below zero except the
-- `external` account, the world outside (a deposit moves money from it, a withdrawal back to it), so the
-- balances of all accounts always sum to zero, and the market's own accounts to deposits minus withdrawals.
CREATE TABLE accounts (
  account text PRIMARY KEY,
  balance numeric(78, 0) NOT NULL DEFAULT 0,
  CONSTRAINT accounts_not_negative CHECK (balance >= 0 OR account = 'external')
);
-- One movement is one atomic, balanced set of entries with its cause. `idempotency_key` makes a movement
-- that must happen once (the settlement of a request, the slash of a lock) impossible to record twice.
CREATE TABLE ledger_movements (
  id              bigserial PRIMARY KEY,
  kind            text NOT NULL,
  cause_type      text,
  cause_id        text,
  idempotency_key text UNIQUE,
  at              timestamptz NOT NULL
);
CREATE INDEX ledger_movements_cause ON ledger_movements (cause_type, cause_id);
CREATE INDEX ledger_movements_at ON ledger_movements (at);
-- Market analytics (GET /v1/stats) read the requests of a period.
CREATE INDEX tasks_created ON tasks (created_at);
CREATE TABLE ledger_entries (
  id          bigserial PRIMARY KEY,
  movement_id bigint NOT NULL REFERENCES ledger_movements (id),
  account     text NOT NULL,
  amount      numeric(78, 0) NOT NULL
);
CREATE INDEX ledger_entries_movement ON ledger_entries (movement_id);
CREATE INDEX ledger_entries_account ON ledger_entries (account, id);

-- Stake locked for one assignment of a request: released when the request is settled or handed back,
-- slashed when the winner missed its deadline. One open lock per request.
CREATE TABLE stake_locks (
  lock_id    bigserial PRIMARY KEY,
  task_id    text NOT NULL REFERENCES tasks (task_id),
  prover_id  text NOT NULL REFERENCES provers (prover_id),
  amount     numeric(78, 0) NOT NULL,
  locked_at  timestamptz NOT NULL,
  state      text NOT NULL,
  closed_at  timestamptz
);
CREATE UNIQUE INDEX stake_locks_open_task ON stake_locks (task_id) WHERE state = 'locked';
CREATE INDEX stake_locks_prover ON stake_locks (prover_id) WHERE state = 'locked';

-- Stake on its way out: slashable until available_at, then paid to the owner by the scheduler.
CREATE TABLE unstakes (
  unstake_id   bigserial PRIMARY KEY,
  prover_id    text NOT NULL REFERENCES provers (prover_id),
  amount       numeric(78, 0) NOT NULL,
  requested_at timestamptz NOT NULL,
  available_at timestamptz NOT NULL,
  state        text NOT NULL,
  paid_at      timestamptz
);
CREATE INDEX unstakes_due ON unstakes (available_at) WHERE state = 'pending';

-- Slashes: at most one per stake lock. `reversed_*` when the operator reversed it, with a reason.
CREATE TABLE slashes (
  slash_id      bigserial PRIMARY KEY,
  lock_id       bigint NOT NULL UNIQUE REFERENCES stake_locks (lock_id),
  task_id       text NOT NULL,
  prover_id     text NOT NULL,
  amount        numeric(78, 0) NOT NULL,
  to_requester  numeric(78, 0) NOT NULL,
  burned        numeric(78, 0) NOT NULL,
  at            timestamptz NOT NULL,
  reversed_at   timestamptz,
  reversed_by   text,
  reversal_reason text
);
CREATE INDEX slashes_prover ON slashes (prover_id, at);
