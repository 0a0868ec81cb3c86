// The audit trail: a request settled with a verified proof leaves an audit record in the artifact store, and
// `proofmarket audit` re-checks it from content ids alone. Each stored piece is damaged in turn (the record, the
// proof, the vk, the public signals) and the audit fails; a coordinator that serves other bytes, and records
// forged consistently (every hash right, the content wrong), fail too; the untouched audit passes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { startCoordinator, type Coordinator } from '../src/coordinator/coordinator.ts';
import { ProofMarketClient } from '../src/sdk/client.ts';
import { terminateCurves } from '../src/cli/shutdown.ts';
import { auditByCid, type AuditReport, type AuditSources } from '../src/artifacts/audit.ts';
import { auditTarget } from '../src/cli/commands/audit.ts';
import type { LocalDriver } from '../src/artifacts/drivers/local.ts';
import type { AuditRecord } from '../src/api/artifacts.ts';
import { canonicalJson } from '../src/proofs/canonical.ts';
import { encodeProof } from '../src/proofs/envelope.ts';
import { builtinArtifactUrl } from '../src/proofs/programs.ts';
import { LEDGER_INPUT, ledgerProofs } from './support/economy.ts';

let c: Coordinator;
let pm: ProofMarketClient;
let requestId: string;
let auditCid: string;
let record: AuditRecord;

const utf8 = (s: string) => new TextEncoder().encode(s);
const failed = (r: AuditReport) => r.checks.filter((x) => !x.ok).map((x) => x.check);

before(async () => {
  c = await startCoordinator({ dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, host: '127.0.0.1', port: 0, open: true }, { scheduler: false });
  pm = new ProofMarketClient({ baseUrl: c.url! });
  await pm.registerProver({ prover_id: 'p-audit', supported_levels: [1], capacity: 1 });
  requestId = await pm.submitTask({ privacy_level: 1, circuit_data: [...LEDGER_INPUT], reward_amount: 100, requester: 'client-audit' });
  assert.equal((await pm.assignTask('p-audit'))?.task_id, requestId);
  const result = await pm.submitResult({ task_id: requestId, prover_id: 'p-audit', proof: (await ledgerProofs()).valid });
  assert.equal(result.verification_result, 'Pass');
  auditCid = (await pm.getRequest(requestId)).audit_cid!;
  record = JSON.parse(Buffer.from(await pm.getArtifact(auditCid)).toString()) as AuditRecord;
});
after(async () => {
  await c?.close();
  await terminateCurves();
});

/** The audit as the CLI runs it, but with a chosen way of fetching (to play a lying coordinator). */
const sources = (fetch: AuditSources['fetch']): AuditSources => ({ fetch, verify: (job) => c.market.verifier.verifyRaw(job), systems: c.market.backends.names() });
const honest = (cid: string) => pm.streamArtifact(cid).then(async ({ body }) => new Uint8Array(await new Response(body).arrayBuffer()));

test('a settled request has an audit record naming its program, proof, signals, verdict and settlement', async () => {
  assert.match(auditCid, /^bafkrei/);
  assert.equal(record.request_id, requestId);
  assert.equal(record.prover_id, 'p-audit');
  assert.equal(record.vk_cid, record.program.artifacts.vkey);
  assert.deepEqual(Object.keys(record.program.artifacts).sort(), ['vkey', 'wasm', 'zkey']);
  assert.equal(record.verdict.result, 'Pass');
  assert.match(record.settlement.event_id!, /^\d+$/);
  assert.match(record.settlement.movement_id!, /^\d+$/);
  assert.equal(record.model, null);
  assert.equal(record.public_signals.length, 1);
});

test('the untouched audit passes, by request id and by audit CID', async () => {
  const byId = await auditTarget(pm, requestId);
  assert.equal(byId.verdict, 'PASS', JSON.stringify(byId.checks, null, 1));
  assert.ok(byId.checks.some((x) => x.check === 'proof verifies' && x.ok));
  assert.equal((await auditTarget(pm, auditCid)).verdict, 'PASS');
});

test('each stored piece damaged in turn fails the audit: the record, the proof, the vk, the public signals', async () => {
  const driver = c.market.artifacts.driver as LocalDriver;
  const pieces: Array<[string, string]> = [['audit record', auditCid], ['proof', record.proof_cid], ['program vkey', record.vk_cid], ['public signals', record.public_signals_cid]];
  for (const [name, cid] of pieces) {
    const original = readFileSync(driver.pathOf(cid));
    const damaged = Buffer.from(original);
    damaged[Math.floor(damaged.length / 2)]! ^= 0x01;
    writeFileSync(driver.pathOf(cid), damaged);
    try {
      const r = await auditTarget(pm, auditCid);
      assert.equal(r.verdict, 'FAIL', name);
      assert.ok(failed(r).includes(name), `${name}: failed ${failed(r).join(', ')}`);
    } finally {
      writeFileSync(driver.pathOf(cid), original);
    }
  }
  assert.equal((await auditTarget(pm, auditCid)).verdict, 'PASS', 'restored');
});

test('a coordinator serving other bytes for a CID is caught by the hash check here', async () => {
  for (const [name, cid] of [['proof', record.proof_cid], ['program wasm', record.program.artifacts.wasm!]] as const) {
    const lying = sources(async (asked) => {
      const bytes = await honest(asked);
      return asked === cid ? utf8(`${Buffer.from(bytes).toString('latin1').slice(0, 40)}…`) : bytes;
    });
    const r = await auditByCid(auditCid, lying);
    assert.equal(r.verdict, 'FAIL');
    assert.deepEqual(failed(r).slice(0, 1), [name]);
    assert.match(r.checks.find((x) => x.check === name)!.detail, /hash to/);
  }
});

test('records forged with every hash right are caught by the consistency checks and by re-verification', async () => {
  const forge = async (changes: Partial<AuditRecord>) => (await pm.putArtifact(utf8(canonicalJson({ ...record, ...changes })))).cid;
  const { valid, corrupted } = await ledgerProofs();
  const envelope = JSON.parse(Buffer.from(valid).toString());

  // another proof (one coordinate changed), stored and named: it does not verify
  const badProof = (await pm.putArtifact(Uint8Array.from(corrupted))).cid;
  let r = await auditByCid(await forge({ proof_cid: badProof }), sources(honest));
  assert.deepEqual(failed(r), ['proof verifies']);

  // other public signals in the record, the stored signals and the proof itself: the proof is not for them
  const signals = ['12345'];
  const otherProof = (await pm.putArtifact(Uint8Array.from(encodeProof({ ...envelope, public_signals: signals })))).cid;
  const otherSignals = (await pm.putArtifact(utf8(JSON.stringify(signals)))).cid;
  r = await auditByCid(await forge({ public_signals: signals, public_signals_cid: otherSignals, proof_cid: otherProof }), sources(honest));
  assert.deepEqual(failed(r), ['proof verifies']);

  // the record's signals alone changed: the pieces disagree
  r = await auditByCid(await forge({ public_signals: signals }), sources(honest));
  assert.deepEqual(failed(r), ['signals agree']);

  // another verification key (the same circuit's plonk key): not the program's, so the program id breaks
  const plonkVk = (await pm.putArtifact(utf8(canonicalJson(JSON.parse(readFileSync(builtinArtifactUrl('data-commitment', 'plonk', 'vkey'), 'utf8')))))).cid;
  r = await auditByCid(await forge({ vk_cid: plonkVk, program: { ...record.program, artifacts: { ...record.program.artifacts, vkey: plonkVk } } }), sources(honest));
  assert.ok(failed(r).includes('program id'), failed(r).join(', '));

  // a record of another request is not this request's
  r = await auditByCid(auditCid, sources(honest), 'some-other-request');
  assert.deepEqual(failed(r), ['request']);
});
