/** The market's use cases, one per file: the routes call these and nothing else. */
export { submitTask, type SubmitTaskParameters } from './submit-task.ts';
export { submitRequest, type SubmitRequestParameters } from './submit-request.ts';
export { pollTask } from './poll-task.ts';
export { startTask } from './start-task.ts';
export { releaseTask } from './release-task.ts';
export { submitResult, type SubmitResultParameters, type SubmitResultReturnType } from './submit-result.ts';
export { placeBid } from './place-bid.ts';
export { cancelRequest } from './cancel-request.ts';
export { sweep } from './sweep.ts';
export { registerProver, type RegisterProverParameters } from './register-prover.ts';
export { heartbeat } from './heartbeat.ts';
export { subscribe } from './subscribe.ts';
export { setSuspended, reverseSlash } from './operator.ts';
export * from './queries.ts';
export type { MarketDeps, Caller } from './deps.ts';
