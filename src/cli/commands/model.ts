import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelArtifacts } from '../../api/index.ts';
import { nativeEzkl } from '../../proofs/ezkl/native.ts';
import type { ModelManifest } from '../../proofs/ezkl/models.ts';
import { parse } from '../args.ts';
import { CliError, EXIT, usage } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, note, openContext, positionalArgs, required, type Context } from '../context.ts';
import { showModel } from './models.ts';

export const help = `proofmarket model add — put an ONNX model on proofmarket (needs Python ezkl: pip install -r requirements.txt)

  proofmarket model add model.onnx --sample input.json [--name NAME] [--visibility …] [--srs FILE]

Runs ezkl's own pipeline with Python ezkl (pinned in requirements.txt): gen settings, calibrate on the sample,
compile the circuit, an SRS for the settings' logrows (a local development SRS, UNSAFE: its secret is known to
this machine; or --srs FILE for a real one), setup (vk). Then uploads the ONNX file, the compiled circuit, the
settings, the vk and the SRS to the coordinator's artifact store and registers the model, signed by your key
(you own the name: a later add of the same name is its next version). Prints the model id (name:version):
  proofmarket request --model NAME:VERSION --input x.json

Options:
  --sample FILE             a sample input, {"input_data": [[…numbers]]} or an array of numbers (calibration)
  --name NAME               lower case letters, digits, - and _ (default: the file's name)
  --description TEXT
  --visibility SPEC         input=public|hashed|private,output=public|hashed|private,params=fixed|hashed
                            (default input=public,output=public,params=hashed: the weights' Poseidon hash is
                            public in every proof, so the model is committed)
  --srs FILE                a real KZG SRS for the circuit's logrows instead of a local development one

${GLOBAL_HELP}`;

const OPTIONS = {
  ...GLOBAL_OPTIONS,
  sample: { type: 'string' },
  name: { type: 'string' },
  description: { type: 'string' },
  visibility: { type: 'string' },
  srs: { type: 'string' },
} as const;

const ALLOWED = { input: ['public', 'hashed', 'private'], output: ['public', 'hashed', 'private'], params: ['fixed', 'hashed'] } as const;
type Part = keyof typeof ALLOWED;

/** `input=public,params=hashed` → the three visibilities, with the defaults for what is not named; usage error otherwise. */
export function parseVisibility(spec: string | undefined): Record<Part, string> {
  const out: Record<Part, string> = { input: 'public', output: 'public', params: 'hashed' };
  for (const item of (spec ?? '').split(',').filter(Boolean)) {
    const [key, value] = item.split('=') as [string, string | undefined];
    if (!(key in ALLOWED)) throw usage(`--visibility: unknown part "${key}"; expected input, output or params`);
    const allowed = ALLOWED[key as Part] as readonly string[];
    if (value === undefined || !allowed.includes(value)) throw usage(`--visibility: ${key} is one of ${allowed.join(', ')}, got "${value ?? ''}"`);
    out[key as Part] = value;
  }
  return out;
}

const COMPILE_SCRIPT = fileURLToPath(new URL('../../../scripts/compile-models.py', import.meta.url));
export const EZKL_MISSING = 'Python ezkl is not installed: python3 -m venv .venv && .venv/bin/pip install -r requirements.txt (or set PROOFMARKET_PYTHON to a Python that has it)';

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const [sub, ...rest] = positionals;
  if (sub === 'show') return (await import('./models.ts')).run(argv);
  if (sub !== 'add') throw usage(sub === undefined ? 'expected add <model.onnx>; see proofmarket model --help' : `unknown subcommand "${sub}": expected add`);
  const [onnx] = positionalArgs(rest, ['model.onnx'], 'model add');
  const sample = required(v.sample, 'sample', 'model add');
  for (const [flag, file] of [['model.onnx', onnx!], ['--sample', sample], ...(v.srs ? [['--srs', v.srs]] : [])] as const) {
    if (!existsSync(file)) throw new CliError('file_not_found', `cannot read ${flag} ${file}: no such file`, EXIT.file);
  }
  const name = v.name ?? basename(onnx!, extname(onnx!)).toLowerCase();
  if (!/^[a-z0-9][a-z0-9_-]{0,47}$/.test(name)) throw usage(`the model name must be lower case letters, digits, - and _ (at most 48), got "${name}": pass --name`);
  const visibility = parseVisibility(v.visibility);
  const py = nativeEzkl();
  if (!py) throw new CliError('ezkl_not_installed', EZKL_MISSING);
  const ctx = await openContext(v);
  const work = mkdtempSync(join(tmpdir(), 'pm-model-add-'));
  try {
    note(ctx, `compiling ${onnx} with Python ezkl ${py.version} (settings, calibration, circuit, SRS, setup)…`);
    const vis = `input=${visibility.input},output=${visibility.output},params=${visibility.params}`;
    await compile(py.python, ['--model', onnx!, '--sample', sample, '--name', name, '--out', work, '--visibility', vis, ...(v.srs ? ['--srs', v.srs] : [])]);
    const dir = join(work, name);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ModelManifest;
    note(ctx, `circuit of 2^${manifest.logrows} rows; ${manifest.srs.unsafe ? 'SRS: a local development SRS, UNSAFE (its secret is known to this machine; pass --srs for a real one)' : `SRS: ${v.srs}`}`);
    const artifacts = await upload(ctx, dir, manifest.srs.file);
    const model = await guard(() => ctx.client.registerModel({ name, artifacts, srs_unsafe: manifest.srs.unsafe, description: v.description ?? `${name} (ONNX model, added with proofmarket model add)` }));
    if (manifest.commitment.value !== model.commitment) throw new CliError('commitment_mismatch', `the coordinator computed the weights commitment ${model.commitment}, Python ezkl ${manifest.commitment.value}: not registered as the same model`);
    emit(ctx, model, () => (ctx.quiet ? model.model_id : `registered model ${model.model_id}${model.srs_unsafe ? ' (development SRS: UNSAFE)' : ''}\n${showModel(model)}\n\nproofmarket request --model ${model.model_id} --input x.json`));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** scripts/compile-models.py --model …: ezkl's pipeline; its last stderr line is the error when it fails. */
function compile(python: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(python, [COMPILE_SCRIPT, ...args], { maxBuffer: 64 << 20, timeout: 30 * 60_000 }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const last = stderr.trim().split('\n').filter((l) => l.trim()).pop() ?? err.message;
      reject(new CliError('model_not_compiled', `Python ezkl could not compile the model: ${last.slice(0, 300)}`));
    });
  });
}

async function upload(ctx: Context, dir: string, srsFile: string): Promise<ModelArtifacts> {
  const put = async (file: string) => (await guard(() => ctx.client.putArtifact(readFileSync(join(dir, file))))).cid;
  const artifacts = { onnx: await put('model.onnx'), compiled: await put('model.compiled'), settings: await put('settings.json'), vk: await put('vk.key'), srs: await put(srsFile) };
  note(ctx, `uploaded the ONNX file, circuit, settings, vk and SRS (${Object.values(artifacts).length} artifacts by CID)`);
  return artifacts;
}
