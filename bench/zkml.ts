// npm run bench -- zkml [--json]: prove and verify time per example model with @ezkljs/engine, and with Python
// ezkl where installed (the baseline the engine is compared with, measured in the same run), proofs per minute
// on one thread, and the coordinator's verify cost per proof (instance check + engine verify).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ezklVerify } from '../src/proofs/ezkl/backend.ts';
import { EzklEngine } from '../src/proofs/ezkl/engine.ts';
import type { ModelKey } from '../src/proofs/ezkl/model-key.ts';
import { builtinModelNames, modelDirUrl, modelFileUrl, readModelArtifacts } from '../src/proofs/ezkl/models.ts';
import { nativeEzkl, nativeProve, nativeVerify } from '../src/proofs/ezkl/native.ts';
import { fmt, ratio, sized, table } from './support.ts';

const PROOFS = sized('ZKML_BENCH_PROOFS', 2);

export async function zkmlBench(): Promise<Record<string, unknown>> {
  const engine = new EzklEngine({ threads: 1 });
  const tmp = mkdtempSync(join(tmpdir(), 'pm-zkml-bench-'));
  const py = nativeEzkl();
  const figures: Record<string, Record<string, number | null>> = {};
  try {
    console.log(`zkML: ${PROOFS} proof(s) per model and path; engine = @ezkljs/engine 21.0.0 on one worker thread; native = ${py ? `Python ezkl ${py.version}` : 'not installed'}`);
    const rows: Array<Record<string, string>> = [];
    for (const model of builtinModelNames()) {
      const { artifacts, manifest } = readModelArtifacts(modelDirUrl(model));
      const key = artifacts.vkey as ModelKey;
      const input = JSON.parse(readFileSync(modelFileUrl(model, 'input.json'), 'utf8')) as unknown;
      const job = { circuitPath: fileURLToPath(modelFileUrl(model, 'model.compiled')), srsPath: fileURLToPath(modelFileUrl(model, 'kzg.srs')), pkPath: join(tmp, `${model}.pk`), vk: key.vk, input };
      const first = await engine.prove(job); // derives and caches the pk
      const prove: number[] = [];
      const verify: number[] = [];
      for (let i = 0; i < PROOFS; i++) {
        const p = await engine.prove(job);
        prove.push(p.ms);
        const started = performance.now();
        const v = await ezklVerify(engine, { vkey: key, proof: p.proof, publicSignals: p.publicSignals, srs: async () => artifacts.zkey });
        if (!v.pass) throw new Error(`bench proof of ${model} did not verify: ${v.reason}`);
        verify.push(performance.now() - started);
      }
      let nativeProveMs: number | null = null;
      let nativeVerifyMs: number | null = null;
      if (py) {
        const np = await nativeProve(job);
        nativeProveMs = np.ms;
        nativeVerifyMs = (await nativeVerify({ proof: np.proof, vk: key.vk, settings: key.settings, srs: artifacts.zkey })).ms;
      }
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      const f = { logrows: manifest.logrows, pk_ms: first.pkMs, engine_prove_ms: mean(prove), engine_verify_ms: mean(verify), engine_proofs_per_minute: 60_000 / mean(prove), native_prove_ms: nativeProveMs, native_verify_ms: nativeVerifyMs };
      figures[model] = f;
      rows.push({
        model, rows: `2^${f.logrows}`, 'pk (first use)': `${fmt(f.pk_ms / 1000)} s`, 'engine prove': `${fmt(f.engine_prove_ms / 1000)} s`, 'engine verify': `${fmt(f.engine_verify_ms)} ms`,
        'proofs/min': fmt(f.engine_proofs_per_minute), 'native prove': nativeProveMs === null ? '-' : `${fmt(nativeProveMs / 1000)} s`,
        'engine/native prove': nativeProveMs === null ? '-' : ratio(f.engine_prove_ms, nativeProveMs), 'native verify': nativeVerifyMs === null ? '-' : `${fmt(nativeVerifyMs)} ms`,
      });
    }
    table(rows);
    return { proofs_per_model: PROOFS, native: py?.version ?? null, models: figures };
  } finally {
    await engine.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
