import { auditByCid, type AuditReport } from '../../artifacts/audit.ts';
import { cidProblem } from '../../artifacts/cid.ts';
import { Verifier } from '../../proofs/verifier.ts';
import type { ProofMarketClient } from '../../sdk/client.ts';
import { parse } from '../args.ts';
import { CliError } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, openContext, positionalArgs } from '../context.ts';
import { terminateCurves } from '../shutdown.ts';

export const help = `proofmarket audit — re-check a settled request from content ids alone

Usage:
  proofmarket audit REQUEST_ID     the request's audit record (its audit_cid), then everything it names
  proofmarket audit AUDIT_CID      an audit record by CID

Fetches the audit record and every piece it names by CID from the coordinator's /v1/artifacts (the program's
vkey, wasm and zkey, the proof, the public signals), checks each one hashes to its CID, recomputes the program id,
checks that the record, the stored public signals and the proof agree, verifies the proof again here (with the
same proof-system backends as the coordinator), and prints a verdict. The coordinator is trusted only to serve the
bytes. Exit 0 on PASS, 1 on FAIL.

${GLOBAL_HELP}

Example:
  proofmarket audit 660e8400-e29b-41d4-a716-446655440001`;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, GLOBAL_OPTIONS, true);
  if (v.help) return void console.log(help);
  const [target] = positionalArgs(positionals, ['request_id | audit_cid'], 'audit');
  const ctx = await openContext(v, { signs: false });
  const report = await auditTarget(ctx.client, target!);
  emit(ctx, report, () => reportText(report));
  if (report.verdict !== 'PASS') throw new CliError('audit_failed', `audit FAILED: ${report.checks.find((c) => !c.ok)?.detail ?? 'nothing to check'}`);
}

/** A request id (its audit_cid, read from the coordinator) or an audit CID, audited. */
export async function auditTarget(client: ProofMarketClient, target: string): Promise<AuditReport> {
  const byCid = cidProblem(target) === null;
  const requestId = byCid ? undefined : target;
  const auditCid = byCid ? target : (await guard(() => client.getRequest(target))).audit_cid;
  if (!auditCid) throw new CliError('no_audit_record', `request ${target} has no audit record (it is written when the request settles with a verified proof)`);
  const verifier = new Verifier({ threads: 1 });
  try {
    return await auditByCid(auditCid, { fetch: (cid) => rawArtifact(client, cid), verify: (job) => verifier.verifyRaw(job), systems: verifier.backends.proofSystems() }, requestId);
  } finally {
    await verifier.close();
    await terminateCurves();
  }
}

/** The bytes as served, unchecked here: the audit hashes them itself, to report which piece is wrong. */
async function rawArtifact(client: ProofMarketClient, cid: string): Promise<Uint8Array> {
  const { body } = await client.streamArtifact(cid);
  const parts: Uint8Array[] = [];
  for await (const p of body as unknown as AsyncIterable<Uint8Array>) parts.push(p);
  return new Uint8Array(Buffer.concat(parts));
}

function reportText(r: AuditReport): string {
  const lines = r.checks.map((c) => `  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.check}: ${c.detail}`);
  return [`audit ${r.audit_cid}${r.request_id ? ` (request ${r.request_id})` : ''}`, ...lines, `verdict: ${r.verdict}`].join('\n');
}
