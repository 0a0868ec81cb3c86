-- The content-addressed artifact store (src/artifacts): a settled request's audit record, by CID, and the CIDs
-- of a program's artifacts (written the first time an audit record names them).
ALTER TABLE tasks ADD COLUMN audit_cid text;
ALTER TABLE programs ADD COLUMN wasm_cid text;
ALTER TABLE programs ADD COLUMN zkey_cid text;
ALTER TABLE programs ADD COLUMN vkey_cid text;
