// A PostgreSQL server of the test's own, which it may restart: it lives in src/cluster (`proofmarket cluster`
// starts one too).
export { canStartPostgres, startPrivatePostgres, type PrivatePostgres } from '../../src/cluster/local-postgres.ts';
