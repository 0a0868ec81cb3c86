// The model part of an audit (zkML requests): the record's model version is the program that was verified. Its
// artifacts, fetched by CID and hash-checked, must be the program's (the compiled circuit is the program's wasm, the
// SRS its zkey, the settings and vk those inside its model key), the key must name the same model id and weights
// commitment, and the proof's public signals must carry that commitment where ezkl puts it.
import type { AuditRecord } from '../api/artifacts.ts';
import { isModelKey, type ModelKey } from '../proofs/ezkl/model-key.ts';
import { canonicalJson } from '../proofs/canonical.ts';

type Piece = (name: string, cid: string) => Promise<Uint8Array | undefined>;
type Note = (check: string, ok: boolean, detail: string) => boolean;

/** Where ezkl puts the weights' Poseidon hash among the instances: after the input's hash, if the input is hashed. */
const commitmentIndex = (v: { input: string }) => (v.input === 'hashed' ? 1 : 0);

export async function checkModel(r: AuditRecord, programArtifacts: Map<string, Uint8Array>, piece: Piece, note: Note): Promise<void> {
  const model = r.model!;
  let key: unknown;
  try {
    key = JSON.parse(new TextDecoder().decode(programArtifacts.get('vkey')));
  } catch {
    key = undefined;
  }
  if (!isModelKey(key)) return void note('model key', false, 'the program\'s key is not an ezkl model key');
  const k: ModelKey = key;
  note('model key', true, `the program's key is ezkl model ${k.model}:${k.version}`);
  note('model id', `${k.model}:${k.version}` === model.id, `the record names ${model.id}, the verified program is ${k.model}:${k.version}`);
  note('model commitment', k.commitment === model.commitment, `the record's commitment ${short(model.commitment)} ${k.commitment === model.commitment ? 'is' : 'is not'} the program's ${short(k.commitment)}`);
  if (model.commitment !== null && k.visibility.params === 'hashed') {
    const at = commitmentIndex(k.visibility);
    note('commitment in proof', r.public_signals[at] === model.commitment, `public signal ${at} ${r.public_signals[at] === model.commitment ? 'is' : 'is not'} the weights' Poseidon hash`);
  }
  if (!model.artifacts) return;
  const same = (a: Uint8Array | undefined, b: Uint8Array | undefined) => a !== undefined && b !== undefined && Buffer.from(a).equals(Buffer.from(b));
  const fetched = new Map<string, Uint8Array | undefined>();
  for (const [kind, cid] of Object.entries(model.artifacts)) fetched.set(kind, await piece(`model ${kind}`, cid));
  const settings = fetched.get('settings');
  const checks: Array<[string, boolean]> = [
    ['compiled circuit = program wasm', same(fetched.get('compiled'), programArtifacts.get('wasm'))],
    ['SRS = program zkey', same(fetched.get('srs'), programArtifacts.get('zkey'))],
    ['vk = model key\'s vk', fetched.get('vk') !== undefined && Buffer.from(fetched.get('vk')!).toString('base64') === k.vk],
    ['settings = model key\'s settings', settings !== undefined && sameJson(settings, k.settings)],
  ];
  for (const [what, ok] of checks) note(`model ${what.split(' ')[0]}`, ok, `${what}: ${ok ? 'yes' : 'no'}`);
}

const short = (s: string | null) => (s === null ? 'none' : `${s.slice(0, 16)}…`);

function sameJson(bytes: Uint8Array, value: unknown): boolean {
  try {
    return canonicalJson(JSON.parse(new TextDecoder().decode(bytes))) === canonicalJson(value);
  } catch {
    return false;
  }
}
