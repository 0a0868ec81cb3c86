// The system routes: liveness and readiness.
import { Type, type Static } from '@sinclair/typebox';

export const Health = Type.Object({ status: Type.String(), store: Type.String(), verifier_threads: Type.Integer() });
export type Health = Static<typeof Health>;
