// Python ezkl (pinned in requirements.txt) as a child process: the prover's `--ezkl native`, and the other side
// of the engine/native cross-check. Found at $PROOFMARKET_PYTHON, else the repo's .venv, else python3.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { proofInstances } from './felts.ts';

const SCRIPT = fileURLToPath(new URL('../../../scripts/ezkl-native.py', import.meta.url));
const VENV_PYTHON = fileURLToPath(new URL('../../../.venv/bin/python', import.meta.url));

let found: { python: string; version: string } | null | undefined;

/** The Python with ezkl installed, and its ezkl version; null when there is none. Probed once. */
export function nativeEzkl(): { python: string; version: string } | null {
  if (found !== undefined) return found;
  found = null;
  // PROOFMARKET_PYTHON, when set, is the only one tried: a wrong one is reported, not silently replaced.
  const candidates = process.env.PROOFMARKET_PYTHON ? [process.env.PROOFMARKET_PYTHON] : [existsSync(VENV_PYTHON) ? VENV_PYTHON : undefined, 'python3'];
  for (const python of candidates.filter(Boolean) as string[]) {
    const r = spawnSync(python, ['-c', 'import ezkl; print(ezkl.__version__)'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) {
      found = { python, version: r.stdout.trim() };
      break;
    }
  }
  return found;
}

function runNative(doc: Record<string, unknown>, timeoutMs: number): Promise<Record<string, unknown>> {
  const py = nativeEzkl();
  if (!py) return Promise.reject(new Error('Python ezkl is not installed (pip install -r requirements.txt, or set PROOFMARKET_PYTHON)'));
  const work = mkdtempSync(join(tmpdir(), 'pm-ezkl-'));
  return new Promise<Record<string, unknown>>((resolve, reject) => {
    const child = execFile(py.python, [SCRIPT], { timeout: timeoutMs, maxBuffer: 64 << 20, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      rmSync(work, { recursive: true, force: true });
      if (err) return reject(new Error(`python ezkl failed: ${(stderr.trim().split('\n').pop() || err.message).slice(0, 300)}`));
      try {
        resolve(JSON.parse(stdout) as Record<string, unknown>);
      } catch {
        reject(new Error('python ezkl printed no JSON'));
      }
    });
    child.stdin!.end(JSON.stringify({ ...doc, work_dir: work }));
  });
}

/** A proof with Python ezkl; the pk at `pkPath` is shared with the engine (the same bytes), made if missing. */
export async function nativeProve(job: { circuitPath: string; srsPath: string; pkPath: string; vk: string; input: unknown }, timeoutMs = 600_000): Promise<{ proof: unknown; publicSignals: string[]; ms: number }> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'pm-ezkl-vk-'));
  try {
    const vkPath = join(dir, 'vk.key');
    writeFileSync(vkPath, Buffer.from(job.vk, 'base64'));
    const out = await runNative({ op: 'prove', circuit: job.circuitPath, srs: job.srsPath, pk: job.pkPath, vk: vkPath, input: job.input }, timeoutMs);
    const inst = proofInstances(out.proof);
    if (!inst.ok) throw new Error(`python ezkl's proof has no instances: ${inst.reason}`);
    return { proof: out.proof, publicSignals: inst.signals, ms: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Python ezkl's verdict on a proof (never throws for a bad proof). */
export async function nativeVerify(job: { proof: unknown; vk: string; settings: unknown; srs: Uint8Array }, timeoutMs = 120_000): Promise<{ pass: boolean; reason?: string; ms: number }> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'pm-ezkl-v-'));
  try {
    const p = (f: string, b: Uint8Array | string) => (writeFileSync(join(dir, f), b), join(dir, f));
    const out = await runNative({ op: 'verify', proof: job.proof, vk: p('vk.key', Buffer.from(job.vk, 'base64')), settings: p('settings.json', JSON.stringify(job.settings)), srs: p('kzg.srs', job.srs) }, timeoutMs);
    return { pass: out.valid === true, ...(out.valid === true ? {} : { reason: String(out.reason ?? 'python ezkl rejects the proof') }), ms: performance.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
