import { readFileSync } from 'node:fs';
import type { Program, RegisterProgramRequest } from '../../api/index.ts';
import { parse } from '../args.ts';
import { CliError, EXIT, usage, fileError } from '../errors.ts';
import { backendOption, emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, note, oneOf, openContext, positionalArgs, required, table } from '../context.ts';

export const help = `proofmarket programs — the programs (circuits) requests can name

  proofmarket programs list                 every program: the built-in ones and the uploaded ones
  proofmarket programs show <program_id>    one program: system, input encoding, artifacts and their hashes
  proofmarket programs register --name NAME --system SYSTEM --wasm FILE --zkey FILE --vkey FILE
                                            upload a program (POST /programs); prints its id

A program's id is the hash of its artifacts (sha256(sha256(wasm) ‖ sha256(zkey) ‖ sha256(canonical vkey))),
so registering the same files again gives the same id, and the program as first registered: files that are
already registered (a built-in program's, or an earlier upload) keep their name, input encoding and
description, and a note on stderr says which of --name, --input-encoding, --description were not used.

Options of register:
  --name NAME               lower case letters, digits, - and _ (e.g. my-circuit)
  --system SYSTEM           groth16 | plonk | fflonk, or an installed external backend
  --wasm FILE               the circuit's witness generator (circom --wasm), or an external backend's program
  --zkey FILE               the proving key (snarkjs); may be omitted for external backends that have none
  --vkey FILE               the verification key JSON (snarkjs zkey export verificationkey)
  --input-encoding E        json | data-commitment | range-proof: how a request's input bytes become the
                            circuit's input signals (default json: the bytes are a JSON object of signals)
  --description TEXT

${GLOBAL_HELP}

Example:
  proofmarket programs register --name my-range --system groth16 --wasm range.wasm --zkey range.zkey --vkey vkey.json`;

const OPTIONS = {
  ...GLOBAL_OPTIONS,
  name: { type: 'string' },
  system: { type: 'string' },
  wasm: { type: 'string' },
  zkey: { type: 'string' },
  vkey: { type: 'string' },
  'input-encoding': { type: 'string' },
  description: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const [sub, ...rest] = positionals;
  const registerOnly = (['name', 'system', 'wasm', 'zkey', 'vkey', 'input-encoding', 'description'] as const).filter((k) => v[k] !== undefined);
  if (sub !== 'register' && registerOnly.length) throw usage(`--${registerOnly[0]} is an option of programs register`);
  switch (sub) {
    case 'list': {
      positionalArgs(rest, [], 'programs list');
      const ctx = await openContext(v, { signs: false });
      const list = await guard(() => ctx.client.listPrograms());
      return emit(ctx, list, () => programsTable(list));
    }
    case 'show': {
      const [id] = positionalArgs(rest, ['program_id'], 'programs show');
      if (!/^[0-9a-f]{64}$/.test(id!)) throw usage(`a program id is 64 lower-case hex digits, got "${id}" (proofmarket programs list shows them)`);
      const ctx = await openContext(v, { signs: false });
      const p = await guard(() => ctx.client.getProgram(id!));
      return emit(ctx, p, () => showProgram(p));
    }
    case 'register': {
      positionalArgs(rest, [], 'programs register');
      const body = registerBody(v);
      const ctx = await openContext(v);
      const p = await guard(() => ctx.client.registerProgram(body));
      const unused = unusedSettingsNote(body, p);
      if (unused) note(ctx, unused);
      return emit(ctx, p, () => (ctx.quiet ? p.program_id : `registered program ${p.program_id}\n  ${p.name} · ${p.proof_system} · input ${p.input_encoding} · ${p.n_public} public signals`));
    }
    case undefined:
      throw usage('expected list, show <program_id> or register; see proofmarket programs --help');
    default:
      throw usage(`unknown subcommand "${sub}": expected list, show or register`);
  }
}

function registerBody(v: { name?: string; system?: string; wasm?: string; zkey?: string; vkey?: string; 'input-encoding'?: string; description?: string }): RegisterProgramRequest {
  const name = required(v.name, 'name', 'programs register');
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) throw usage(`--name must be lower case letters, digits, - and _ (at most 64), got "${name}"`);
  const system = required(backendOption(v.system, 'system'), 'system', 'programs register');
  const file = (flag: string, path: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw fileError(`--${flag} ${path}`, err);
    }
  };
  const wasm = file('wasm', required(v.wasm, 'wasm', 'programs register'));
  const zkey = v.zkey === undefined ? Buffer.alloc(0) : file('zkey', v.zkey);
  const vkeyPath = required(v.vkey, 'vkey', 'programs register');
  let vkey: unknown;
  try {
    vkey = JSON.parse(file('vkey', vkeyPath).toString('utf8'));
  } catch (err) {
    if (err instanceof SyntaxError) throw new CliError('invalid_file', `--vkey ${vkeyPath} is not JSON`, EXIT.file);
    throw err;
  }
  if (typeof vkey !== 'object' || vkey === null || Array.isArray(vkey)) throw new CliError('invalid_file', `--vkey ${vkeyPath} must hold a JSON object`, EXIT.file);
  const body: RegisterProgramRequest = { name, proof_system: system, wasm: wasm.toString('base64'), zkey: zkey.toString('base64'), vkey };
  const encoding = oneOf(v['input-encoding'], 'input-encoding', ['json', 'data-commitment', 'range-proof'] as const);
  if (encoding) body.input_encoding = encoding;
  if (v.description !== undefined) body.description = v.description;
  return body;
}

/**
 * A program's id is the hash of its files, so files already registered (a built-in program's, or someone's
 * upload) give back the program as it was registered: the name, input encoding and description sent are not
 * used. Says so, rather than let a user believe the program is now called by the new name.
 */
export function unusedSettingsNote(sent: RegisterProgramRequest, p: Program): string | undefined {
  const unused: string[] = [];
  if (sent.name !== p.name) unused.push(`--name ${sent.name}`);
  if (sent.input_encoding !== undefined && sent.input_encoding !== p.input_encoding) unused.push(`--input-encoding ${sent.input_encoding}`);
  if (sent.description !== undefined && sent.description !== p.description) unused.push('--description');
  if (unused.length === 0) return undefined;
  const what = p.builtin ? `the built-in program "${p.name}"` : `program "${p.name}", registered already`;
  return `note: these files are ${what} (${p.proof_system}, input ${p.input_encoding}); it keeps its settings, so ${unused.join(', ')} ${unused.length === 1 ? 'was' : 'were'} not used`;
}

function programsTable(list: Program[]): string {
  if (list.length === 0) return 'no programs';
  return table(
    ['PROGRAM_ID', 'NAME', 'SYSTEM', 'INPUT', 'PUBLIC', 'BUILT-IN'],
    list.map((p) => [p.program_id, p.name, p.proof_system, p.input_encoding, String(p.n_public), p.builtin ? 'yes' : 'no']),
  );
}

function showProgram(p: Program): string {
  return [
    `${p.program_id}`,
    `  name            ${p.name}${p.builtin ? ' (built in)' : ''}`,
    `  system          ${p.proof_system}`,
    `  input           ${p.input_encoding}${p.max_input_bytes === null ? '' : `, at most ${p.max_input_bytes} bytes`}`,
    `  public signals  ${p.n_public}`,
    `  description     ${p.description || '-'}`,
    `  wasm            sha256 ${p.artifacts.wasm.sha256}`,
    `  zkey            sha256 ${p.artifacts.zkey.sha256}`,
    `  vkey            sha256 ${p.artifacts.vkey.sha256}`,
    `  registered      ${p.created_at}`,
  ].join('\n');
}
