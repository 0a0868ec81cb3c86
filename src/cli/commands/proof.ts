import { writeFileSync } from 'node:fs';
import { ProofMarketError, type VerifiedProof } from '../../sdk/client.ts';
import { parse } from '../args.ts';
import { CliError, usage, fileError, requestEnded } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, openContext, positionalArgs, type Context } from '../context.ts';

export const help = `proofmarket proof — download the verified proof of a completed request

Writes the proof that passed the coordinator's verification as JSON:
  {"system", "proof", "public_signals", "program_id", "request_id", "prover_id", "submitted_at"}
(the proof envelope, plus where it came from), which proofmarket verify checks offline.

Options:
  --out FILE    where to write it (default <request_id>.proof.json; - for stdout)

${GLOBAL_HELP}

Example:
  proofmarket proof 660e8400-e29b-41d4-a716-446655440001 --out proof.json
  proofmarket verify proof.json --program <program_id>`;

const OPTIONS = { ...GLOBAL_OPTIONS, out: { type: 'string', short: 'o' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const [id] = positionalArgs(positionals, ['request_id'], 'proof');
  if (v.out === '' ) throw usage('--out must name a file (or - for stdout)');
  if (v.out === '-' && v.json) throw usage('--out - and --json both want stdout; give --out a file');
  const ctx = await openContext(v, { signs: false });
  const proof = await fetchProof(ctx, id!);
  const file = v.out ?? defaultProofFile(id!);
  if (file === '-') return void process.stdout.write(proofFileText(proof));
  saveProof(file, proof);
  emit(ctx, { request_id: id, proof_file: file, system: proof.system, program_id: proof.program_id, prover_id: proof.prover_id, public_signals: proof.public_signals }, () =>
    ctx.quiet ? file : `saved the verified ${proof.system} proof of ${id} (by ${proof.prover_id}) to ${file}`,
  );
}

export const defaultProofFile = (requestId: string) => `${requestId}.proof.json`;

/** The verified proof; a request without one yet is an error that says what it is doing instead. */
export async function fetchProof(ctx: Context, id: string): Promise<VerifiedProof> {
  return guard(async () => {
    try {
      return await ctx.client.getProof(id);
    } catch (err) {
      if (!(err instanceof ProofMarketError) || err.code !== 'proof_not_found') throw err;
      // Say why: an unknown id, or a request that has no verified proof yet.
      const r = await ctx.client.getRequest(id);
      if (r.status === 'failed' || r.status === 'expired') throw requestEnded(id, r.status, ': it has no verified proof');
      throw new CliError('no_proof_yet', `request ${id} is ${r.status}: it has no verified proof${r.status === 'completed' ? '' : ` yet (follow it: proofmarket status ${id} --watch)`}`);
    }
  });
}

/** The proof file: the envelope verify reads, with its provenance. */
export function proofFileText(p: VerifiedProof): string {
  const doc = {
    system: p.system,
    proof: p.proof,
    public_signals: p.public_signals,
    program_id: p.program_id,
    request_id: p.task_id,
    prover_id: p.prover_id,
    submitted_at: p.submitted_at,
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function saveProof(file: string, p: VerifiedProof): void {
  try {
    writeFileSync(file, proofFileText(p));
  } catch (err) {
    throw fileError(file, err, 'write');
  }
}
