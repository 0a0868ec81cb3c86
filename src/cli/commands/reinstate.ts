import { GLOBAL_HELP } from '../context.ts';
import { operatorAct } from './suspend.ts';

export const help = `proofmarket reinstate — the market operator reinstates a suspended prover (POST /v1/provers/:id/reinstate)

The prover may take and win work again. Signed with the operator's key (serve --operator); anyone else is
refused (operator_only, exit 1). The reason is kept in the audit log (GET /v1/audit).

Options:
  --prover-id P    the prover
  --reason TEXT    why (3 to 1000 characters)

${GLOBAL_HELP}

Example:
  proofmarket reinstate --prover-id my_prover --reason "deadlines met since the fix" --key operator.json`;

export const run = (argv: string[]) => operatorAct('reinstate', argv, help);
