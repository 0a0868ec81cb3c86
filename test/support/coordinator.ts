import { ManualClock } from '../../src/domain/clock.ts';
import { startCoordinator, type Coordinator } from '../../src/coordinator/coordinator.ts';
import type { CoordinatorConfig } from '../../src/coordinator/config.ts';
import type { Db } from '../../src/store/db.ts';

export interface TestCoordinator extends Coordinator {
  clock: ManualClock;
  /** fastify inject, returning status and parsed JSON. */
  /** `body` is the parsed JSON when the response says it is JSON, else the raw text. */
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; raw: string; contentType: string }>;
}

/** A coordinator on an in-memory PGlite (or a given db), with a manual clock and no socket or timer. */
export async function testCoordinator(config: Partial<CoordinatorConfig> = {}, db?: Db): Promise<TestCoordinator> {
  const clock = new ManualClock('2026-03-01T12:00:00.000Z');
  const c = await startCoordinator(
    // open: the existing tests call unsigned; tests of signed calls pass { open: false }.
    { dataDir: 'memory://', logLevel: 'silent', verifierThreads: 1, open: true, ...config },
    { clock, listen: false, scheduler: false, db },
  );
  return {
    ...c,
    clock,
    async call(method, url, body, headers = {}) {
      const res = await c.app.inject({
        method: method as 'GET',
        url,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const contentType = String(res.headers['content-type'] ?? '');
      const parsed: unknown = contentType.startsWith('application/json') ? JSON.parse(res.body) : res.body;
      return { status: res.statusCode, body: parsed, raw: res.body, contentType };
    },
  };
}
