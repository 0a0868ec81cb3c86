import type { ProverFilter, ProverProfile, ProverStatus } from '../../api/index.ts';
import { parse } from '../args.ts';
import { amountOption, backendOption, emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, money, numberOption, oneOf, openContext, table } from '../context.ts';

export const help = `proofmarket provers — find provers (GET /v1/provers)

Options:
  --backend B             only provers of this backend (groth16, plonk, fflonk, koalabear, …)
  --max-price N           only provers whose base price is at most N (base units)
  --min-reputation STARS  only provers with at least this reputation (0-5)
  --status S              active | busy | offline
  --sort KEY              price | reputation | response_time

${GLOBAL_HELP}

Example:
  proofmarket provers --backend koalabear --max-price 1500000 --min-reputation 4.5`;

const OPTIONS = {
  ...GLOBAL_OPTIONS,
  backend: { type: 'string' },
  'max-price': { type: 'string' },
  'min-reputation': { type: 'string' },
  status: { type: 'string' },
  sort: { type: 'string' },
} as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  const filter: ProverFilter = {
    backend: backendOption(v.backend, 'backend'),
    max_price: amountOption(v['max-price'], 'max-price'),
    min_reputation: numberOption(v['min-reputation'], 'min-reputation', 0, 5, 'stars'),
    status: oneOf<ProverStatus>(v.status, 'status', ['active', 'busy', 'offline']),
    sort: oneOf(v.sort, 'sort', ['price', 'reputation', 'response_time'] as const),
  };
  const ctx = await openContext(v, { signs: false });
  const list = await guard(() => ctx.client.listProversV1(filter));
  emit(ctx, list, () => proversTable(list, ctx.quiet));
}

export function proversTable(list: ProverProfile[], quiet = false): string {
  if (list.length === 0) return quiet ? '' : 'no provers match';
  return table(
    ['PROVER', 'NAME', 'BACKENDS', 'PRICE', 'TYPE', 'STATUS', 'LOAD', 'REPUTATION', 'RESPONSE'],
    list.map((p) => [
      p.prover_id,
      p.name ?? '-',
      p.backends.join(','),
      money(p.base_price),
      p.price_type,
      p.status,
      `${p.active_tasks}/${p.capacity}`,
      p.reputation === null ? 'new' : p.reputation.toFixed(2),
      p.response_time_ms === null ? '-' : `${(p.response_time_ms / 1000).toFixed(1)} s`,
    ]),
  );
}
