import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archiveIsPrefixed, classifyExit, containerLimits, GiB, jobHostConfig, JobSpecError, missingOutputs, normaliseCmd, outputPathOf, outVolumeOptions } from './limits.ts';

const host = { hostCpus: 2, pidsLimit: 256, gpus: 0 };

test('cmd: an array runs as given, a shell string as sh -c, empty is refused', () => {
  assert.deepEqual(normaliseCmd(['echo', 'hello']), ['echo', 'hello']);
  assert.deepEqual(normaliseCmd("echo 'Hello World' > /out/output.txt"), ['sh', '-c', "echo 'Hello World' > /out/output.txt"]);
  assert.throws(() => normaliseCmd(''), JobSpecError);
  assert.throws(() => normaliseCmd([]), JobSpecError);
  assert.throws(() => normaliseCmd([1 as unknown as string]), JobSpecError);
});

test('limits: memory is ramGB plus the /out budget, /out is storageGB, CPUs capped at the host, pids fixed', () => {
  const l = containerLimits({ cpu: 1, ramGB: 1, gpu: 0, storageGB: 1 }, host);
  assert.deepEqual(l, { memoryBytes: 2 * GiB, outBytes: GiB, nanoCpus: 1e9, pidsLimit: 256 });
  assert.equal(containerLimits({ cpu: 8, ramGB: 1, gpu: 0, storageGB: 1 }, host).nanoCpus, 2e9);
  assert.equal(containerLimits({ cpu: 0.5, ramGB: 1, gpu: 0, storageGB: 1 }, host).nanoCpus, 0.5e9);
  const tiny = containerLimits({ cpu: 1, ramGB: 0.001, gpu: 0, storageGB: 10 / 1024 }, host);
  assert.equal(tiny.outBytes, 10 * 1024 * 1024);
  assert.equal(tiny.memoryBytes, 6 * 1024 * 1024 + 10 * 1024 * 1024, 'Docker refuses less than 6 MiB');
});

test('limits: bad resources and unavailable GPUs are refused with the field named', () => {
  assert.throws(() => containerLimits({ cpu: 0, ramGB: 1, gpu: 0, storageGB: 1 }, host), /resources.cpu/);
  assert.throws(() => containerLimits({ cpu: 1, ramGB: -1, gpu: 0, storageGB: 1 }, host), /resources.ramGB/);
  assert.throws(() => containerLimits({ cpu: 1, ramGB: 1, gpu: 0, storageGB: Number.NaN }, host), /resources.storageGB/);
  assert.throws(() => containerLimits({ cpu: 1, ramGB: 1, gpu: 1.5, storageGB: 1 }, host), /resources.gpu/);
  assert.throws(() => containerLimits({ cpu: 1, ramGB: 1, gpu: 1, storageGB: 1 }, host), /gpu_unavailable/);
  assert.equal(containerLimits({ cpu: 1, ramGB: 1, gpu: 1, storageGB: 1 }, { ...host, gpus: 1 }).outBytes, GiB);
});

test('host config: no network, read-only root, no capabilities, no new privileges, no swap, /out the capped volume', () => {
  const limits = containerLimits({ cpu: 1, ramGB: 0.5, gpu: 0, storageGB: 0.25 }, host);
  const hc = jobHostConfig(limits, 'vol');
  assert.equal(hc.NetworkMode, 'none');
  assert.equal(hc.ReadonlyRootfs, true);
  assert.deepEqual(hc.CapDrop, ['ALL']);
  assert.deepEqual(hc.SecurityOpt, ['no-new-privileges']);
  assert.equal(hc.Privileged, false);
  assert.equal(hc.Memory, limits.memoryBytes);
  assert.equal(hc.MemorySwap, limits.memoryBytes);
  assert.equal(hc.PidsLimit, 256);
  assert.equal(hc.NanoCpus, 1e9);
  assert.deepEqual(hc.Mounts, [{ Type: 'volume', Source: 'vol', Target: '/out' }]);
  assert.equal(outVolumeOptions(limits).o, `size=${GiB / 4},mode=1777,nodev,nosuid`);
  assert.equal(outVolumeOptions(limits).type, 'tmpfs');
});

test('exit classification: timeout first, 137 under a memory limit is oom, other non-zero is error', () => {
  assert.equal(classifyExit({ exitCode: 0, timedOut: false, memoryLimited: true }), undefined);
  assert.equal(classifyExit({ exitCode: 137, timedOut: true, memoryLimited: true }), 'timeout');
  assert.equal(classifyExit({ exitCode: 137, timedOut: false, memoryLimited: true }), 'oom');
  assert.equal(classifyExit({ exitCode: 137, timedOut: false, memoryLimited: false }), 'error');
  assert.equal(classifyExit({ exitCode: 1, timedOut: false, memoryLimited: true, oomKilled: true }), 'oom');
  assert.equal(classifyExit({ exitCode: 2, timedOut: false, memoryLimited: true }), 'error');
});

test('output names: Docker\'s out/ prefix and podman\'s bare names both become /out/…; nothing climbs out', () => {
  assert.equal(archiveIsPrefixed({ name: 'out/', type: 'directory' }), true);
  assert.equal(archiveIsPrefixed({ name: 'out', type: 'directory' }), true);
  assert.equal(archiveIsPrefixed({ name: 'out', type: 'file' }), false);
  assert.equal(archiveIsPrefixed({ name: '/o.txt', type: 'file' }), false);
  assert.equal(outputPathOf('out/o.txt', true), '/out/o.txt');
  assert.equal(outputPathOf('out/out/o.txt', true), '/out/out/o.txt');
  assert.equal(outputPathOf('out/', true), undefined);
  assert.equal(outputPathOf('/o.txt', false), '/out/o.txt');
  assert.equal(outputPathOf('./sub/o.txt', false), '/out/sub/o.txt');
  assert.equal(outputPathOf('out/../etc/passwd', true), undefined);
});

test('missing outputs: declared paths with or without /out/ that were not written', () => {
  assert.deepEqual(missingOutputs([{ path: '/out/a.txt' }, { path: 'b.txt' }, { path: '/c.txt' }], ['/out/a.txt', '/out/c.txt']), ['/out/b.txt']);
  assert.deepEqual(missingOutputs([], ['/out/a.txt']), []);
});
