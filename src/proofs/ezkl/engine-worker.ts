// Runs in a worker thread: @ezkljs/engine (ezkl 21 in WebAssembly) computes witnesses, proving keys, proofs and
// verifications here, never on the event loop. One job at a time; proving keys are kept per file once read.
import { createRequire } from 'node:module';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { serveJobs } from '../worker-jobs.ts';
import { proofInstances } from './felts.ts';
import type { EngineJob, EngineResult } from './engine.ts';

interface Engine {
  genWitness(circuit: Uint8ClampedArray, input: Uint8ClampedArray): Uint8Array;
  genPk(vk: Uint8ClampedArray, circuit: Uint8ClampedArray, srs: Uint8ClampedArray): Uint8Array;
  prove(witness: Uint8ClampedArray, pk: Uint8ClampedArray, circuit: Uint8ClampedArray, srs: Uint8ClampedArray): Uint8Array;
  verify(proof: Uint8ClampedArray, vk: Uint8ClampedArray, settings: Uint8ClampedArray, srs: Uint8ClampedArray): boolean;
}

const engine = createRequire(import.meta.url)('@ezkljs/engine/nodejs/ezkl.js') as Engine;
const clamped = (b: Uint8Array | Buffer) => new Uint8ClampedArray(b.buffer, b.byteOffset, b.byteLength);
const json = (v: unknown) => clamped(Buffer.from(JSON.stringify(v)));
const parse = (b: Uint8Array) => JSON.parse(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8')) as unknown;

const pks = new Map<string, Uint8ClampedArray>();

/** The proving key: kept in memory, else read from its cache file, else derived from the vk (and cached). */
function provingKey(pkPath: string, vk: Uint8ClampedArray, circuit: Uint8ClampedArray, srs: Uint8ClampedArray): Uint8ClampedArray {
  let pk = pks.get(pkPath);
  if (pk) return pk;
  if (existsSync(pkPath)) {
    pk = clamped(readFileSync(pkPath));
  } else {
    const made = engine.genPk(vk, circuit, srs);
    const tmp = `${pkPath}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, made);
    renameSync(tmp, pkPath);
    pk = clamped(made);
  }
  pks.clear(); // one model's key at a time: they are tens of MB each
  pks.set(pkPath, pk);
  return pk;
}

serveJobs<EngineJob, EngineResult>(async (job) => {
  const started = performance.now();
  if (job.op === 'witness') {
    return { op: 'witness', witness: parse(engine.genWitness(clamped(job.circuit), json(job.input))), ms: performance.now() - started };
  }
  if (job.op === 'prove') {
    const circuit = clamped(readFileSync(job.circuitPath));
    const srs = clamped(readFileSync(job.srsPath));
    const pk = provingKey(job.pkPath, clamped(Buffer.from(job.vk, 'base64')), circuit, srs);
    const pkMs = performance.now() - started;
    const witness = engine.genWitness(circuit, json(job.input));
    const proof = parse(engine.prove(clamped(witness), pk, circuit, srs));
    const inst = proofInstances(proof);
    if (!inst.ok) throw new Error(`the engine's proof has no instances: ${inst.reason}`);
    return { op: 'prove', proof, publicSignals: inst.signals, ms: performance.now() - started, pkMs };
  }
  try {
    // A tampered proof makes the engine throw ("constraint system is not satisfied"): a Fail, never a crash.
    const ok = engine.verify(json(job.proof), clamped(Buffer.from(job.vk, 'base64')), json(job.settings), clamped(job.srs));
    return { op: 'verify', pass: ok, ...(ok ? {} : { reason: 'the ezkl proof does not verify under the model\'s key' }), ms: performance.now() - started };
  } catch (err) {
    return { op: 'verify', pass: false, reason: `the ezkl proof does not verify: ${String((err as Error)?.message ?? err)}`.slice(0, 300), ms: performance.now() - started };
  }
});
