import type { TaskStatus, TaskStatusResponse } from '../../api/index.ts';
import { intOption, parse } from '../args.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, oneOf, openContext, table } from '../context.ts';

export const help = `proofmarket tasks — list tasks and requests, newest first (GET /v1/tasks)

Options:
  --status S    pending | assigned | in_progress | completed | failed
  --limit N     at most N (1-1000, default 100)

${GLOBAL_HELP}

Example:
  proofmarket tasks --status pending --limit 20`;

const OPTIONS = { ...GLOBAL_OPTIONS, status: { type: 'string' }, limit: { type: 'string' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v } = parse(argv, OPTIONS);
  if (v.help) return void console.log(help);
  const status = oneOf<TaskStatus>(v.status, 'status', ['pending', 'assigned', 'in_progress', 'completed', 'failed']);
  const limit = intOption(v.limit, 'limit', 1, 1000);
  const ctx = await openContext(v, { signs: false });
  const list = await guard(() => ctx.client.listTasks({ status, limit }));
  emit(ctx, list, () => tasksTable(list, ctx.quiet));
}

function tasksTable(list: TaskStatusResponse[], quiet: boolean): string {
  if (list.length === 0) return quiet ? '' : 'no tasks';
  return table(
    ['TASK', 'STATUS', 'PROGRAM', 'PROVER', 'ATTEMPTS', 'CREATED', 'UPDATED'],
    list.map((t) => [
      t.task_id,
      t.status,
      t.program_id ? t.program_id.slice(0, 12) : '-',
      t.assigned_prover ?? '-',
      String(t.attempts ?? 0),
      t.created_at.replace('T', ' ').slice(0, 19),
      t.updated_at.replace('T', ' ').slice(0, 19),
    ]),
  );
}
