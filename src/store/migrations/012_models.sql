-- The model registry (issue #16 §2): one row per model version. A version is a program (proof system ezkl), so
-- requests keep pointing at the version they were made for through their program_id. `commitment` is the Poseidon
-- hash of the quantized weights that ezkl puts in the proof (params hashed), decimal; `cids` the artifacts by CID
-- (onnx, compiled, settings, vk, srs). `owner` is the registering address; NULL for the shipped models.
CREATE TABLE models (
  model_id    text PRIMARY KEY,
  name        text NOT NULL,
  version     integer NOT NULL,
  owner       text,
  program_id  text NOT NULL UNIQUE REFERENCES programs (program_id),
  commitment  text,
  visibility  jsonb NOT NULL,
  description text NOT NULL,
  logrows     integer NOT NULL,
  srs_unsafe  boolean NOT NULL,
  cids        jsonb NOT NULL,
  created_at  timestamptz NOT NULL,
  UNIQUE (name, version)
);
