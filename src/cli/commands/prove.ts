import { readFileSync, writeFileSync } from 'node:fs';
import { ArtifactCache } from '../../prover/artifacts.ts';
import { ProvingPool } from '../../prover/proving.ts';
import { encodeProof } from '../../proofs/envelope.ts';
import { isValidId } from '../../domain/ids.ts';
import { ProofMarketClient } from '../../sdk/client.ts';
import type { AssignedTask } from '../../api/index.ts';
import { parse } from '../args.ts';
import { CliError, EXIT, usage, fileError } from '../errors.ts';
import { terminateCurves } from '../shutdown.ts';

export const help = `proofmarket prove — prove one assigned task by hand, and print the body for POST /tasks/result

Reads the task as GET /tasks/assign/:prover_id returned it (a file, or - for stdin), downloads the program's
artifacts from the coordinator (checking them against the program id), proves with snarkjs, and prints
{"task_id", "prover_id", "proof"} with the proof encoded as the seed API's bytes.

Options:
  --prover-id ID        the prover the task is assigned to (required)
  --coordinator URL     where to download artifacts (default $PROOFMARKET_URL or http://127.0.0.1:8080)
  --out FILE            write the result body to FILE instead of stdout
  --cache-dir DIR       artifact cache (default ./.proofmarket/prove-cache)

Example:
  curl -s http://localhost:8080/tasks/assign/my_prover > task.json
  proofmarket prove task.json --prover-id my_prover --coordinator http://localhost:8080 > result.json
  curl -X POST http://localhost:8080/tasks/result -H "Content-Type: application/json" -d @result.json`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    { 'prover-id': { type: 'string' }, coordinator: { type: 'string' }, out: { type: 'string' }, 'cache-dir': { type: 'string' } },
    true,
  );
  if (values.help) return void console.log(help);
  const [file, ...extra] = positionals;
  if (!file || extra.length) throw usage('give exactly one task file (or - for stdin); see proofmarket prove --help');
  const proverId = values['prover-id'];
  if (!proverId || !isValidId(proverId)) throw usage('--prover-id is required: a UUID or a slug');

  let task: AssignedTask;
  try {
    const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
    task = JSON.parse(text) as AssignedTask;
  } catch (err) {
    throw fileError(`the task file ${file === '-' ? '(stdin)' : file}`, err);
  }
  if (task === null) throw new CliError('no_task', 'the task is null: the prover had no task assigned (GET /tasks/assign returned null)');
  if (typeof task !== 'object' || typeof task.task_id !== 'string' || typeof task.program_id !== 'string' || typeof task.circuit_input !== 'object') {
    throw new CliError('invalid_file', `${file} is not an assigned task (expected the JSON of GET /tasks/assign/:prover_id)`, EXIT.file);
  }

  const client = new ProofMarketClient({ baseUrl: values.coordinator ?? process.env.PROOFMARKET_URL ?? 'http://127.0.0.1:8080' });
  const cache = new ArtifactCache(values['cache-dir'] ?? './.proofmarket/prove-cache', client);
  const pool = new ProvingPool({ size: 1, timeoutMs: 600_000 });
  try {
    const program = await cache.get(task.program_id);
    process.stderr.write(`proving task ${task.task_id} (${task.program_name ?? program.programId.slice(0, 12)}, ${program.system})…\n`);
    const out = await pool.prove({ system: program.system, input: task.circuit_input!, wasmPath: program.wasmPath, zkeyPath: program.zkeyPath });
    const body = JSON.stringify({
      task_id: task.task_id,
      prover_id: proverId,
      proof: encodeProof({ system: program.system, proof: out.proof, public_signals: out.publicSignals }),
    });
    if (values.out) {
      try {
        writeFileSync(values.out, `${body}\n`);
      } catch (err) {
        throw fileError(`--out ${values.out}`, err, 'write');
      }
    }
    else process.stdout.write(`${body}\n`);
    process.stderr.write(`proved in ${(out.ms / 1000).toFixed(2)} s\n`);
  } finally {
    await pool.close();
    await terminateCurves();
  }
}
