// The coordinator's API contract, one module per resource. The server's route schemas and input types,
// the SDK's types and /openapi.json all derive from these TypeBox schemas.
export * from './common.ts';
export * from './tasks.ts';
export * from './provers.ts';
export * from './requests.ts';
export * from './auctions.ts';
export * from './market.ts';
export * from './programs.ts';
export * from './economy.ts';
export * from './submitters.ts';
export * from './stats.ts';
export * from './system.ts';
export * from './events.ts';
export * from './jobs.ts';
export * from './artifacts.ts';
export * from './models.ts';
export * from './chain.ts';
