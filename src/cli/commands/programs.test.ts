import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Program, RegisterProgramRequest } from '../../api/index.ts';
import { unusedSettingsNote } from './programs.ts';

const ref = { sha256: 'a'.repeat(64), url: '/x' };
const program = (over: Partial<Program>): Program => ({
  program_id: 'b'.repeat(64), name: 'range-proof', proof_system: 'groth16', input_encoding: 'range-proof', description: 'built in',
  max_input_bytes: null, builtin: true, n_public: 2, artifacts: { wasm: ref, zkey: ref, vkey: ref }, created_at: '2026-01-01T00:00:00.000Z', ...over,
});
const sent = (over: Partial<RegisterProgramRequest>): RegisterProgramRequest => ({ name: 'my-range', proof_system: 'groth16', wasm: '', zkey: '', vkey: {}, ...over });

test('files of a built-in program: the note says --name was not used', () => {
  assert.equal(
    unusedSettingsNote(sent({}), program({})),
    'note: these files are the built-in program "range-proof" (groth16, input range-proof); it keeps its settings, so --name my-range was not used',
  );
});

test('an earlier upload: every setting sent that it does not have is named', () => {
  const note = unusedSettingsNote(sent({ input_encoding: 'json', description: 'mine' }), program({ name: 'theirs', builtin: false, description: '' }));
  assert.match(note!, /^note: these files are program "theirs", registered already .*--name my-range, --input-encoding json, --description were not used$/);
});

test('a new program, or the same settings again: no note', () => {
  assert.equal(unusedSettingsNote(sent({}), program({ name: 'my-range', builtin: false, input_encoding: 'json' })), undefined);
  assert.equal(unusedSettingsNote(sent({ name: 'range-proof', input_encoding: 'range-proof' }), program({})), undefined);
});
