-- Settlement on a chain (src/chain/indexer.ts): where the indexer is in each contract's logs, and what it learned
-- of requests and jobs. The balances themselves are ledger accounts named chain:… (src/domain/chain-mirror.ts).
-- A cursor is the last log applied, as (block_number, log_index), and scanned_block, the highest block whose logs
-- are all applied; each log is applied in the transaction that advances the cursor past it.
CREATE TABLE chain_cursors (
  source        text PRIMARY KEY,
  block_number  numeric(78, 0) NOT NULL,
  log_index     integer NOT NULL,
  scanned_block numeric(78, 0) NOT NULL,
  scanned_hash  text,
  updated_at    timestamptz NOT NULL
);
-- ProofMarket's requests as their events told them.
CREATE TABLE chain_requests (
  request_id  text PRIMARY KEY,
  requester   text NOT NULL,
  program_id  text NOT NULL,
  max_price   numeric(78, 0) NOT NULL,
  min_stake   numeric(78, 0) NOT NULL,
  deadline    timestamptz NOT NULL,
  commitment  text NOT NULL,
  status      text NOT NULL,
  prover      text,
  price       numeric(78, 0),
  created_tx  text NOT NULL,
  settled_tx  text,
  updated_at  timestamptz NOT NULL
);
CREATE INDEX chain_requests_status ON chain_requests (status);
-- JobEscrow's jobs (keyed by keccak256 of the job id, as its events index them).
CREATE TABLE chain_jobs (
  job_key    text PRIMARY KEY,
  job_id     text NOT NULL,
  depositor  text NOT NULL,
  status     text NOT NULL,
  updated_at timestamptz NOT NULL
)
