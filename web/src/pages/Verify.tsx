import { useState } from 'preact/hooks';
import { pm, type RequestView, type VerifiedProof } from '../api.ts';
import { verifyInBrowser, type Verdict } from '../verify.ts';

/** The verified proof: download it, or check it here (snarkjs in a worker) against the program's key and the request's signals. */
export function VerifyPanel({ request, proof }: { request: RequestView; proof: VerifiedProof }) {
  const [verdict, setVerdict] = useState<Verdict & { what: string }>();
  const [busy, setBusy] = useState(false);
  const file = { system: proof.system, proof: proof.proof, public_signals: proof.public_signals, program_id: proof.program_id, request_id: request.request_id, prover_id: proof.prover_id, submitted_at: proof.submitted_at };
  const href = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }));

  const run = async (what: string, candidate: { system: string; proof: unknown }) => {
    setBusy(true);
    setVerdict(undefined);
    try {
      // only the vkey and the proof are fetched: the public signals are the request's own, from its record
      const vkey = JSON.parse(new TextDecoder().decode(await pm().downloadArtifact(request.program_id, 'vkey')));
      setVerdict({ what, ...(await verifyInBrowser({ system: candidate.system, vkey, publicSignals: request.public_signals ?? [], proof: candidate.proof })) });
    } catch (err) {
      setVerdict({ what, pass: false, reason: `could not verify: ${(err as Error).message}`, ms: 0 });
    } finally {
      setBusy(false);
    }
  };
  const fromFile = async (e: Event) => {
    const f = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!f) return;
    try {
      const parsed = JSON.parse(await f.text()) as { system?: string; proof?: unknown };
      await run(`the file ${f.name}`, { system: parsed.system ?? proof.system, proof: parsed.proof ?? parsed });
    } catch (err) {
      setVerdict({ what: `the file ${f.name}`, pass: false, reason: `not a proof file: ${(err as Error).message}`, ms: 0 });
    }
  };
  return (
    <div class="verify">
      <p>
        Proved by <a href={`#/provers/${encodeURIComponent(proof.prover_id)}`}>{proof.prover_id}</a> with {proof.system}; {proof.public_signals.length} public signal(s):{' '}
        <code class="signals">{proof.public_signals.join(', ')}</code>
      </p>
      <div class="row">
        <a class="button secondary" href={href} download={`${request.request_id}.proof.json`}>Download the proof</a>
        <button type="button" disabled={busy} onClick={() => run('the verified proof', proof)}>Verify in this browser</button>
        <label class="button secondary file">
          Verify a proof file…
          <input type="file" accept="application/json,.json" onChange={fromFile} disabled={busy} />
        </label>
      </div>
      <p class="muted small">snarkjs runs in a Web Worker, fetched only now; it checks the proof against the program's verification key and this request's public signals, without the coordinator's verifier.</p>
      <div aria-live="polite">
        {busy && <p class="muted">Verifying…</p>}
        {verdict && (
          <p class={`verdict ${verdict.pass ? 'pass' : 'fail'}`} data-verdict={verdict.pass ? 'Pass' : 'Fail'}>
            <strong>{verdict.pass ? 'Pass' : 'Fail'}</strong> — {verdict.what}: {verdict.reason}{verdict.ms ? ` (${verdict.ms} ms)` : ''}
          </p>
        )}
      </div>
    </div>
  );
}
