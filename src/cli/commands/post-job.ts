import { parse } from '../args.ts';
import { usage } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, numberOption, openContext } from '../context.ts';
import { addressOption, etherOption } from '../job-options.ts';
import { intOption } from '../args.ts';

export const help = `proofmarket post-job — create a container job (POST /jobs); prints its jobId

The job runs an image's command on a provider, in a hardened container that writes its outputs to /out. It
is CREATED; fund it next (proofmarket fund --job <jobId>), then match it to a provider.

Options:
  --image IMAGE       the Docker image, e.g. alpine (required)
  --cmd "COMMAND"     a shell command, run as sh -c (required)
  --price ETH         the most you pay, in ether, e.g. 0.01 (required; at most 18 decimals)
  --requester 0x…     without a key, on an --open coordinator: who posts it (default $REQUESTER_ADDR)
  --cpu N --ram GB --gpu N --storage GB    resources (default 1, 1, 0, 1; storage caps /out)
  --timeout S         seconds the container may run (default 600)
  --output PATH       an output file under /out (repeatable; default: all of /out)
  --verifier V        hash-only (you accept by hand; default) or redundant:N
  --min-stake ETH     stake each provider locks behind its run (default 0: none); slashed if it misses the
                      timeout or is outvoted under redundant:N

${GLOBAL_HELP}

Example:
  proofmarket post-job --image alpine --cmd "echo 'Hello World' > /out/output.txt" --price 0.01`;

const OPTIONS = {
  ...GLOBAL_OPTIONS,
  image: { type: 'string' },
  cmd: { type: 'string' },
  price: { type: 'string' },
  requester: { type: 'string' },
  cpu: { type: 'string' },
  ram: { type: 'string' },
  gpu: { type: 'string' },
  storage: { type: 'string' },
  timeout: { type: 'string' },
  output: { type: 'string', multiple: true },
  verifier: { type: 'string' },
  'min-stake': { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  if (!v.image) throw usage('--image is required (e.g. --image alpine); see proofmarket post-job --help');
  if (!v.cmd) throw usage('--cmd is required (e.g. --cmd "echo hi > /out/output.txt"); see proofmarket post-job --help');
  const maxPriceEth = etherOption(v.price, 'price');
  const minStakeEth = v['min-stake'] === undefined ? undefined : etherOption(v['min-stake'], 'min-stake');
  const resources = {
    cpu: numberOption(v.cpu, 'cpu', 0.01, 256, 'CPUs') ?? 1,
    ramGB: numberOption(v.ram, 'ram', 0.001, 4096, 'GB') ?? 1,
    gpu: intOption(v.gpu, 'gpu', 0, 64) ?? 0,
    storageGB: numberOption(v.storage, 'storage', 0.001, 65536, 'GB') ?? 1,
  };
  const ctx = await openContext(v);
  const named = addressOption(v.requester ?? (process.env.REQUESTER_ADDR || undefined), 'requester');
  if (ctx.signer && named !== undefined && named !== ctx.signer.address) throw usage(`--requester ${named} is not the key's address ${ctx.signer.address}: with a key, jobs are posted as its address`);
  const created = await guard(() =>
    ctx.client.createJob({
      image: v.image!,
      cmd: v.cmd!,
      resources,
      inputs: [],
      maxPriceEth,
      timeoutSec: intOption(v.timeout, 'timeout', 1, 604_800) ?? 600,
      verifier: v.verifier ?? 'hash-only',
      ...(minStakeEth === undefined ? {} : { minStakeEth }),
      outputs: (v.output ?? []).map((path) => ({ path })),
      ...(ctx.signer || named === undefined ? {} : { requester: named }),
    }),
  );
  emit(ctx, created, () => (ctx.quiet ? created.jobId : `${created.jobId}\ncreated (${created.status}); expected escrow ${created.expectedEscrowEth} ETH. Fund it: proofmarket fund --job ${created.jobId}`));
}
