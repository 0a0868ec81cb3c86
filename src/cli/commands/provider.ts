import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { intOption, parse } from '../args.ts';
import { CliError, EXIT, usage } from '../errors.ts';
import { GLOBAL_HELP, GLOBAL_OPTIONS, guard, numberOption, oneOf, openContext, type Context } from '../context.ts';
import { addressOption } from '../job-options.ts';
import { onShutdown } from '../shutdown.ts';

export const help = `proofmarket provider — run the provider agent: run container jobs matched to you on a Docker engine

It polls the coordinator for jobs MATCHED to your address (GET /jobs?status=MATCHED&provider=…), marks each
RUNNING, runs it in a hardened container (no network, read-only root, no capabilities, memory, CPU, pids and
/out size limits, killed at its timeout), hashes every file under /out with SHA-256, stores the files and
submits the results (POST /results). At start it advertises the images present on the engine and its
capacity (POST /v1/job-providers), so automatic matching may choose it. Ctrl-C stops it after the jobs in
flight are submitted.

Options:
  --poll-interval SECS   between polls (default 5, as the seed's agent)
  --provider 0x…         your address, for an unsigned agent on a serve --open coordinator (with --key: the key's)
  --outputs DIR          where each job's outputs are written, one directory per job (default ./outputs)
  --store WHERE          coordinator: upload each output to the coordinator's artifact store (POST /v1/artifacts;
                         localUri is its URL), or local: keep the files only (localUri is the path). Default coordinator
  --slots N              jobs run at once (default 1)
  --cpu N --ram GB --storage GB --gpu N
                         the capacity advertised (default: this machine's CPUs and RAM, 10 GB, 0)
  --no-advertise         do not advertise (a requester matches you by hand)

The engine is the one at $PROOFMARKET_DOCKER_SOCKET, else $DOCKER_HOST (unix://…), else /var/run/docker.sock.

${GLOBAL_HELP}

Example:
  proofmarket keys new && proofmarket images import-busybox && proofmarket provider --poll-interval 2`;

const OPTIONS = {
  ...GLOBAL_OPTIONS,
  'poll-interval': { type: 'string' },
  provider: { type: 'string' },
  outputs: { type: 'string' },
  store: { type: 'string' },
  slots: { type: 'string' },
  cpu: { type: 'string' },
  ram: { type: 'string' },
  storage: { type: 'string' },
  gpu: { type: 'string' },
  'no-advertise': { type: 'boolean' },
} as const;

type Values = Partial<Record<'cpu' | 'ram' | 'storage' | 'gpu', string>>;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  const pollSec = numberOption(v['poll-interval'], 'poll-interval', 0.05, 3600, 'seconds') ?? 5;
  const slots = intOption(v.slots, 'slots', 1, 64) ?? 1;
  const store = oneOf(v.store, 'store', ['coordinator', 'local'] as const) ?? 'coordinator';
  const capacity = capacityOf(v);
  const ctx = await openContext(v);
  const provider = providerOf(ctx, v.provider);
  const outputsDir = resolve(v.outputs ?? 'outputs');

  // loaded here: dockerode and the executor weigh on no other command
  const { dockerFromEnv, dockerReachable, listLocalImages } = await import('../../jobs/executor/images.ts');
  const { startDockerAgent } = await import('../../jobs/agent.ts');
  const { SdkJobFeed, imagesToAdvertise } = await import('../../jobs/sdk-feed.ts');
  const { ArtifactStoreSink } = await import('../../jobs/store-sink.ts');
  const docker = dockerFromEnv();
  if (!(await dockerReachable(docker))) throw new CliError('docker_unreachable', `no Docker engine answers at ${(docker.modem as { socketPath?: string }).socketPath}; start dockerd or set PROOFMARKET_DOCKER_SOCKET`, EXIT.unreachable);
  const signed = ctx.signer !== undefined;
  if (!v['no-advertise']) {
    const images = imagesToAdvertise(await listLocalImages(docker));
    await guard(() => ctx.client.advertiseProvider({ images, capacity, ...(signed ? {} : { providerAddr: provider }) }));
  }
  const log = (line: string) => {
    if (!ctx.quiet) console.log(line);
  };
  const agent = await startDockerAgent({
    docker,
    provider,
    feed: new SdkJobFeed(ctx.client, provider, signed),
    outputsDir,
    sink: store === 'coordinator' ? new ArtifactStoreSink(ctx.client, outputsDir) : undefined,
    pollIntervalMs: Math.round(pollSec * 1000),
    slots,
    log,
  });
  log(`Polling ${ctx.coordinatorUrl} every ${pollSec} s as ${provider}`);
  await onShutdown(() => agent.stop());
}

/** Who the agent runs as: the key's address, else --provider (unsigned, for a serve --open coordinator). */
function providerOf(ctx: Context, flag: string | undefined): string {
  const named = addressOption(flag, 'provider');
  if (ctx.signer) {
    const own = ctx.signer.address.toLowerCase();
    if (named !== undefined && named !== own) throw usage(`--provider ${flag} is not the key's address ${ctx.signer.address}: with a key, the agent runs as its address`);
    return own;
  }
  if (named === undefined) throw usage('say who you are: --key FILE (signed calls), or --provider 0x… on a serve --open coordinator');
  return named;
}

function capacityOf(v: Values) {
  return {
    cpu: numberOption(v.cpu, 'cpu', 0.01, 256) ?? cpus().length,
    ramGB: numberOption(v.ram, 'ram', 0.01, 4096) ?? Math.max(1, Math.floor(totalmem() / 2 ** 30)),
    storageGB: numberOption(v.storage, 'storage', 0.01, 65536) ?? 10,
    gpu: intOption(v.gpu, 'gpu', 0, 64) ?? 0,
  };
}
