import type { Model, ModelDetail } from '../../api/index.ts';
import { parse } from '../args.ts';
import { usage } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, openContext, positionalArgs, table } from '../context.ts';

export const help = `proofmarket models — the zkML models requests can name (GET /v1/models)

  proofmarket models                  every version of every model: id (name:version), owner, commitment, SRS
  proofmarket models show <id>        one version (name:version, or a name for its newest): commitment, artifacts
                                      by CID, every version of its name, measured prove time and price hint

Add your own with proofmarket model add (see proofmarket model --help).

${GLOBAL_HELP}`;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, GLOBAL_OPTIONS, true);
  if (v.help) return void console.log(help);
  const [sub, ...rest] = positionals;
  if (sub === undefined || sub === 'list') {
    positionalArgs(rest, [], 'models');
    const ctx = await openContext(v, { signs: false });
    const list = await guard(() => ctx.client.listModels());
    return emit(ctx, list, () => modelsTable(list));
  }
  if (sub === 'show') {
    const [id] = positionalArgs(rest, ['id'], 'models show');
    const ctx = await openContext(v, { signs: false });
    const m = await guard(() => ctx.client.getModel(id!));
    return emit(ctx, m, () => showModel(m));
  }
  throw usage(`unknown subcommand "${sub}": expected list or show <id>`);
}

const short = (s: string | null) => (s === null ? '-' : s.length > 14 ? `${s.slice(0, 12)}…` : s);

function modelsTable(list: Model[]): string {
  if (list.length === 0) return 'no models';
  return table(
    ['MODEL', 'OWNER', 'COMMITMENT', 'LOGROWS', 'INPUT/OUTPUT/PARAMS', 'SRS'],
    list.map((m) => [m.model_id, m.owner ?? 'built in', short(m.commitment), String(m.logrows), `${m.visibility.input}/${m.visibility.output}/${m.visibility.params}`, m.srs_unsafe ? 'dev (UNSAFE)' : 'given']),
  );
}

export function showModel(m: Model | ModelDetail): string {
  const d = m as Partial<ModelDetail>;
  const lines = [
    `${m.model_id}${m.builtin ? ' (built in)' : ''}`,
    `  description     ${m.description || '-'}`,
    `  owner           ${m.owner ?? 'proofmarket (built in)'}`,
    `  program         ${m.program_id}`,
    `  commitment      ${m.commitment ?? '- (params not hashed)'}`,
    `  visibility      input ${m.visibility.input}, output ${m.visibility.output}, params ${m.visibility.params}`,
    `  circuit         2^${m.logrows} rows; SRS ${m.srs_unsafe ? 'local development one: UNSAFE (its secret is known to whoever made it)' : 'given by the owner'}`,
    ...Object.entries(m.artifacts).map(([k, cid]) => `  ${k.padEnd(15)} ${cid}`),
  ];
  if (d.versions) lines.push(`  versions        ${d.versions.map((v) => v.model_id).join(', ')}`);
  if (d.prove_time !== undefined) lines.push(`  prove time      ${d.prove_time ? `${Math.round(d.prove_time.ms)} ms (${d.prove_time.source}, ${d.prove_time.count} requests)` : '- (no settled request yet)'}`);
  if (d.suggested_price !== undefined) lines.push(`  suggested price ${d.suggested_price ? `p50 ${d.suggested_price.p50}, p90 ${d.suggested_price.p90} (from ${d.suggested_price.count} ezkl requests)` : '- (no ezkl price history yet)'}`);
  return lines.join('\n');
}
