// npm run bench -- auction   (issue #4 §10)
// 1. The engine alone (src/domain/market, pure): the time to apply 10,000 bids from 10,000 distinct eligible
//    provers to one auction and close it, per mechanism, against a plain Array.prototype.sort of the same
//    10,000 bids by fee measured in the same run; and how that time grows from 1,000 to 10,000 bids.
// 2. Over HTTP: 1,000 open `fixed` auctions and 20 prover loops that find them with GET /v1/auctions and take
//    them with POST /v1/auctions/:id/bids, against `proofmarket serve` as a child process: auctions cleared
//    per second and p99 time from request to assignment, against the seed pull path (POST /tasks, then
//    GET /tasks/assign/:prover_id) measured in the same run with the same numbers.
//
// Part 1 is bench/auction-engine.ts, part 2 bench/auction-http.ts.
import { engineBench } from './auction-engine.ts';
import { httpBench } from './auction-http.ts';

export { httpFigures } from './auction-http.ts';

export async function auctionBench(): Promise<Record<string, unknown>> {
  const engine = await engineBench();
  return { engine, http: await httpBench() };
}
