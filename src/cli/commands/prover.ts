import { readFileSync } from 'node:fs';
import { ConfigError, CONFIG_KEYS, envName, flagName, OPTIONS, resolveConfig, type ConfigKey, type ProverConfig } from '../../prover/config.ts';
import { ProverStartError } from '../../prover/errors.ts';
import { ProverNode } from '../../prover/node.ts';
import { parse } from '../args.ts';
import { CliError, EXIT, usage, fileError } from '../errors.ts';
import { onShutdown } from '../shutdown.ts';

const ARG_NAMES: Partial<Record<ConfigKey, string>> = {
  node_id: 'ID',
  state_dir: 'DIR',
  max_concurrent_proofs: 'N',
  supported_privacy_levels: 'LIST',
  coordinator_url: 'URL',
  reward_address: 'ADDRESS',
  faulty_rate: 'RATE',
  name: 'NAME',
  cost_per_second: 'UNITS',
  margin: 'RATIO',
  base_price: 'UNITS',
  price_type: 'TYPE',
  backend_pricing: 'JSON',
}; // the rest take seconds

const optionLines = CONFIG_KEYS.map((k) => {
  const spec = OPTIONS[k];
  const arg = spec.kind.type === 'bool' ? '' : ` ${ARG_NAMES[k] ?? 'SECS'}`;
  const def = spec.default === undefined || (Array.isArray(spec.default) && spec.default.length === 0) ? '' : ` (default ${String(spec.default)})`;
  return `  ${(flagName(k) + arg).padEnd(36)}${spec.describe}${def}`;
}).join('\n');

export const help = `proofmarket prover — run a prover node: it registers with the coordinator, takes tasks while it has
free capacity, proves them with snarkjs in worker threads and submits the proofs. Ctrl-C stops it
gracefully (in-flight proofs finish, or are handed back after --shutdown-timeout); a second Ctrl-C exits at once.

Options (each also as an environment variable, e.g. ${envName('max_concurrent_proofs')}, or as a key of the
JSON file given with --config, e.g. {"max_concurrent_proofs": 2}; precedence: flag > env > file > default):
  --config FILE                       JSON config file (or PROOFMARKET_CONFIG); TOML is not supported
${optionLines}
  --no-gpu-enabled                    override gpu_enabled from the environment or the file
  --no-bidding                        take only fixed requests (the pull), never bid in auctions
  --hand-back                         on Ctrl-C, release in-flight tasks at once instead of finishing them
  --verbose                           print every task step (assigned, proved, retries), not just outcomes
  --quiet                             print only failures

--faulty-rate is for demos and tests only: it corrupts that share of the node's proofs before
submitting them, so you can watch the coordinator's verifier reject them.

Example:
  proofmarket prover --coordinator-url http://127.0.0.1:8080 --max-concurrent-proofs 2 \\
    --supported-privacy-levels 1-3 --reward-address 0x52908400098527886E0F7030069857D2E4169EE7`;

const flagOptions = {
  config: { type: 'string' },
  'no-gpu-enabled': { type: 'boolean' },
  'no-bidding': { type: 'boolean' },
  'hand-back': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  quiet: { type: 'boolean', short: 'q' },
  ...Object.fromEntries(CONFIG_KEYS.map((k) => [flagName(k).slice(2), { type: OPTIONS[k].kind.type === 'bool' ? 'boolean' : 'string' }])),
} as Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Flags, environment and file → a validated config. Exported for tests. */
export function configFromArgs(values: Record<string, string | boolean | undefined>, env: Record<string, string | undefined>): ProverConfig {
  const flags: Partial<Record<ConfigKey, string | boolean>> = {};
  for (const k of CONFIG_KEYS) {
    const v = values[flagName(k).slice(2)];
    if (v !== undefined) flags[k] = v;
  }
  if (values['no-gpu-enabled']) {
    if (values['gpu-enabled']) throw usage('--gpu-enabled and --no-gpu-enabled contradict each other');
    flags.gpu_enabled = false;
  }
  if (values['no-bidding']) {
    if (values.bidding) throw usage('--bidding and --no-bidding contradict each other');
    flags.bidding = false;
  }
  const configPath = (typeof values.config === 'string' ? values.config : undefined) ?? env.PROOFMARKET_CONFIG;
  let file: unknown;
  if (configPath !== undefined) {
    if (/\.toml$/i.test(configPath)) throw usage(`${configPath}: TOML config files are not supported; write the options as JSON`);
    let text: string;
    try {
      text = readFileSync(configPath, 'utf8');
    } catch (err) {
      throw fileError(`the config file ${configPath}`, err);
    }
    try {
      file = JSON.parse(text);
    } catch (err) {
      throw fileError(`the config file ${configPath}`, err);
    }
  }
  try {
    return resolveConfig({ flags, env, file, fileName: configPath });
  } catch (err) {
    if (err instanceof ConfigError) throw usage(err.message);
    throw err;
  }
}

type Verbosity = 'quiet' | 'normal' | 'verbose';

/** One line per task event on stdout; connection trouble on stderr. */
function attachPrinter(node: ProverNode, verbosity: Verbosity): void {
  const out = (line: string) => console.log(`${new Date().toISOString().slice(11, 23)} ${line}`);
  const err = (line: string) => console.error(`${new Date().toISOString().slice(11, 23)} ${line}`);
  const short = (id: string) => (id.length > 12 ? id.slice(0, 8) : id);
  const normal = verbosity !== 'quiet';
  const verbose = verbosity === 'verbose';

  node.on('failed', ({ taskId, error }) => err(`task ${short(taskId)} failed here and was handed back: ${error}`));
  node.on('error', ({ error, taskId }) => err(`${taskId ? `task ${short(taskId)}: ` : ''}error: ${error.message.split('\n')[0]}`));
  node.on('disconnected', ({ error }) => err(`coordinator unreachable (${error}); retrying`));
  node.on('rejected', ({ taskId, reason }) => normal && out(`task ${short(taskId)} REJECTED: ${reason}`));
  node.on('submitted', ({ taskId, qualityScore }) => normal && out(`task ${short(taskId)} verified (quality ${qualityScore})`));
  node.on('released', ({ taskId }) => normal && out(`task ${short(taskId)} handed back to the market`));
  node.on('lost', ({ taskId, reason }) => normal && out(`task ${short(taskId)} taken back by the coordinator: ${reason}`));
  node.on('reconnected', () => normal && err('coordinator reachable again'));
  node.on('registered', ({ again }) => again && normal && err('the coordinator had forgotten this node: registered again'));
  node.on('assigned', ({ taskId, privacyLevel, system }) => verbose && out(`task ${short(taskId)} assigned (level ${privacyLevel}, ${system ?? '?'})`));
  node.on('state', ({ taskId, to }) => verbose && to === 'proving' && out(`task ${short(taskId)} proving`));
  node.on('proved', ({ taskId, ms, corrupted }) => verbose && out(`task ${short(taskId)} proved in ${ms} ms${corrupted ? ' (CORRUPTED on purpose: faulty mode)' : ''}`));
  node.on('retry', ({ taskId, stage, attempt, delayMs, error }) =>
    verbose && err(`${taskId ? `task ${short(taskId)} ` : ''}${stage} attempt ${attempt} failed (${error}); retrying in ${delayMs} ms`),
  );
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parse(argv, flagOptions);
  if (values.help) return void console.log(help);
  if (values.verbose && values.quiet) throw usage('--verbose and --quiet contradict each other');
  const config = configFromArgs(values as Record<string, string | boolean | undefined>, process.env);
  const node = new ProverNode(config);
  attachPrinter(node, values.verbose ? 'verbose' : values.quiet ? 'quiet' : 'normal');

  let stopRequested = false;
  const shutdown = onShutdown(() => {
    stopRequested = true;
    return node.stop({ handBack: values['hand-back'] === true });
  });
  try {
    await node.start();
  } catch (err) {
    if (err instanceof ProverStartError && err.code === 'stopped' && stopRequested) return void (await shutdown);
    await node.stop().catch(() => undefined);
    if (err instanceof ProverStartError) throw new CliError(err.code, err.message, err.code === 'no_gpu' ? EXIT.usage : EXIT.failed);
    throw err;
  }
  const levels = config.supported_privacy_levels.length ? config.supported_privacy_levels.join(',') : 'all';
  const speed = node.provingSpeed === undefined ? 'not measured' : `${node.provingSpeed} proofs/s`;
  console.error(
    `proofmarket prover ${node.nodeId} registered at ${config.coordinator_url} ` +
      `(capacity ${config.max_concurrent_proofs}, levels ${levels}, speed ${speed}${config.faulty_rate > 0 ? `, FAULTY rate ${config.faulty_rate}` : ''})`,
  );
  if (config.gpu_enabled) console.error('note: the snarkjs backends prove on the CPU; the GPU is advertised to the coordinator only');
  await shutdown;
  const s = node.stats;
  console.error(`stopped: ${s.proved} proved, ${s.passed} passed, ${s.failed} rejected, ${s.errors} failed here, ${s.released} handed back, ${s.lost} lost`);
}
