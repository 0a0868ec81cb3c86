// npm run bench -- jobs-container [--json]   (issue #15 §5)
// What a container job costs the provider, create to remove, for a trivial command (`true`, and one that writes a
// small /out file), against two baselines measured in the same run:
//   spawn   — the same busybox binary as a plain child process (what no isolation costs);
//   bare    — one hardened container (no network, read-only, no capabilities, limits) created, started, waited
//             and removed, with no /out;
//   job     — runContainerJob end to end: the /out volume and its holder container, the job container, logs, the
//             archive of /out, SHA-256, the sink, and the removal of all of it.
// Sequential runs give p50/p99 per job; `jobs/s` is sequential, and with 2 jobs at a time (two agent slots).
// Needs a Docker engine (PROOFMARKET_DOCKER_SOCKET, as .ci/docker.sh exports) with the busybox image.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile, progress } from './auction-support.ts';
import { fmt, ratio } from './support.ts';
import { BUSYBOX_IMAGE, dockerFromEnv, dockerReachable, imagePresent, LocalDirectorySink, runContainerJob } from '../src/jobs/executor/index.ts';
import { containerLimits, jobHostConfig } from '../src/jobs/executor/limits.ts';
import type { ContainerJobSpec } from '../src/jobs/executor/types.ts';

const RUNS = Number(process.env.BENCH_JOB_RUNS ?? 20);
const resources = { cpu: 1, ramGB: 0.125, gpu: 0, storageGB: 0.01 };

interface Figures {
  p50: number;
  p99: number;
  perSec: number;
}

async function timed(runs: number, once: (i: number) => Promise<void>): Promise<Figures> {
  const ms: number[] = [];
  const start = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await once(i);
    ms.push(performance.now() - t);
  }
  return { p50: percentile(ms, 50), p99: percentile(ms, 99), perSec: (runs * 1000) / (performance.now() - start) };
}

function spawnTrue(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/busybox', ['true'], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`busybox true exited ${code}`))));
  });
}

export async function jobsContainerBench(): Promise<Record<string, unknown>> {
  const docker = dockerFromEnv();
  if (!(await dockerReachable(docker)) || !(await imagePresent(docker, BUSYBOX_IMAGE))) {
    console.log('\n## jobs-container — skipped: no Docker engine with the busybox image (start dockerd as .ci/docker.sh does, then proofmarket images import-busybox)');
    return { skipped: 'no Docker engine with the busybox image' };
  }
  const outputs = mkdtempSync(join(tmpdir(), 'pm-bench-jobs-'));
  const sink = new LocalDirectorySink(outputs);
  const spec = (i: number, cmd: string): ContainerJobSpec => ({ jobId: `0xbench${process.pid}x${i}x${cmd.length}`, image: 'busybox', cmd, resources, outputs: [], timeoutSec: 60 });
  const job = async (i: number, cmd: string) => {
    const r = await runContainerJob(docker, spec(i, cmd), { sink });
    if (r.exitCode !== 0) throw new Error(`bench job failed: ${r.reason}`);
  };
  const hostConfig = jobHostConfig(containerLimits(resources, { hostCpus: 1, pidsLimit: 256, gpus: 0 }), 'unused');
  const bare = async () => {
    const c = await docker.createContainer({ Image: BUSYBOX_IMAGE, Cmd: ['true'], User: '65534:65534', NetworkDisabled: true, HostConfig: { ...hostConfig, Mounts: [] } });
    await c.start();
    await c.wait();
    await c.remove({ force: true });
  };
  try {
    await job(-1, 'true'); // warm the engine's caches once
    progress(`spawn ×${RUNS}`);
    const spawned = await timed(RUNS, spawnTrue);
    progress(`bare container ×${RUNS}`);
    const bared = await timed(RUNS, bare);
    progress(`job \`true\` ×${RUNS}`);
    const trivial = await timed(RUNS, (i) => job(i, 'true'));
    progress(`job writing /out ×${RUNS}`);
    const writing = await timed(RUNS, (i) => job(i, 'echo "Job executed successfully" > /out/output.txt'));
    progress(`2 jobs at a time ×${RUNS}`);
    const pairStart = performance.now();
    for (let i = 0; i < RUNS; i += 2) await Promise.all([job(1000 + i, 'true'), job(1001 + i, 'true')]);
    const pairedPerSec = (RUNS * 1000) / (performance.now() - pairStart);
    return report({ spawned, bared, trivial, writing, pairedPerSec });
  } finally {
    rmSync(outputs, { recursive: true, force: true });
  }
}

function report(f: { spawned: Figures; bared: Figures; trivial: Figures; writing: Figures; pairedPerSec: number }): Record<string, unknown> {
  console.log(`\n## jobs-container — container overhead per job, create to remove (${RUNS} sequential runs each)\n`);
  console.log('| what | p50 ms | p99 ms | jobs/s | p50 vs spawn |');
  console.log('|---|---:|---:|---:|---:|');
  const row = (name: string, x: Figures) => console.log(`| ${name} | ${fmt(x.p50)} | ${fmt(x.p99)} | ${fmt(x.perSec, 2)} | ${ratio(x.p50, f.spawned.p50)} |`);
  row('spawn `busybox true` (baseline)', f.spawned);
  row('bare hardened container, `true`', f.bared);
  row('job `true` (runContainerJob)', f.trivial);
  row('job writing /out/output.txt', f.writing);
  console.log(`\njob vs bare container (the /out holder, volume, archive and hashing): ${ratio(f.trivial.p50, f.bared.p50)} at p50; ` + `2 jobs at a time: ${fmt(f.pairedPerSec, 2)} jobs/s (${ratio(f.pairedPerSec, f.trivial.perSec)} the sequential rate)`);
  const r = (x: number) => Math.round(x * 10) / 10;
  const fig = (x: Figures) => ({ p50Ms: r(x.p50), p99Ms: r(x.p99), perSec: Math.round(x.perSec * 100) / 100 });
  return { runs: RUNS, spawn: fig(f.spawned), bareContainer: fig(f.bared), jobTrue: fig(f.trivial), jobWritingOut: fig(f.writing), jobsPerSecTwoSlots: Math.round(f.pairedPerSec * 100) / 100 };
}
