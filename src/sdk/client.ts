import type * as T from './types.ts';

/** The coordinator answered with an error: `code` is its stable error code, `status` the HTTP status. */
export class ProofMarketError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProofMarketError';
  }
}

/** The coordinator could not be reached (refused, reset, timed out). Retrying later may help. */
export class ConnectionError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach the coordinator at ${url}: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'ConnectionError';
  }
}

export interface ClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  baseUrl: string;
  /** Per-request timeout in milliseconds (default 30 s). */
  timeoutMs?: number;
}

/**
 * Typed client for the proofmarket coordinator. The CLI, the prover node, the demo and the tests all
 * speak to the coordinator through it.
 *
 * @example
 * const pm = new ProofMarketClient({ baseUrl: 'http://127.0.0.1:8080' });
 * const id = await pm.submitTask({ privacy_level: 1, circuit_data: [1, 2, 3], reward_amount: '100', requester: 'me' });
 * const done = await pm.waitForTask(id);
 */
export class ProofMarketClient {
  readonly baseUrl: string;
  readonly #timeoutMs: number;

  constructor(opts: ClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.#timeoutMs = opts.timeoutMs ?? 30_000;
  }

  // tasks (seed API)
  submitTask(body: T.SubmitTaskRequest): Promise<string> {
    return this.#json('POST', '/tasks', body);
  }
  taskStatus(taskId: string): Promise<T.TaskStatusResponse> {
    return this.#json('GET', `/tasks/${enc(taskId)}/status`);
  }
  assignTask(proverId: string): Promise<T.AssignedTask | null> {
    return this.#json('GET', `/tasks/assign/${enc(proverId)}`);
  }
  submitResult(body: T.SubmitResultRequest): Promise<T.SubmitResultResponse> {
    return this.#json('POST', '/tasks/result', body);
  }

  // tasks (v1)
  startTask(taskId: string, proverId: string): Promise<T.TaskStatusResponse> {
    return this.#json('POST', `/v1/tasks/${enc(taskId)}/start`, { prover_id: proverId });
  }
  releaseTask(taskId: string, proverId: string): Promise<T.TaskStatusResponse> {
    return this.#json('POST', `/v1/tasks/${enc(taskId)}/release`, { prover_id: proverId });
  }
  getTask(taskId: string): Promise<T.TaskDetail> {
    return this.#json('GET', `/v1/tasks/${enc(taskId)}`);
  }
  listTasks(filter: { status?: T.TaskStatus; limit?: number } = {}): Promise<T.TaskStatusResponse[]> {
    const q = new URLSearchParams();
    if (filter.status) q.set('status', filter.status);
    if (filter.limit !== undefined) q.set('limit', String(filter.limit));
    return this.#json('GET', `/v1/tasks${q.size ? `?${q}` : ''}`);
  }

  /** Polls until the task is completed or failed (or `timeoutMs` passes), and returns its last status. */
  async waitForTask(taskId: string, opts: { intervalMs?: number; timeoutMs?: number; onStatus?: (s: T.TaskStatusResponse) => void } = {}): Promise<T.TaskStatusResponse> {
    const until = Date.now() + (opts.timeoutMs ?? 600_000);
    for (;;) {
      const s = await this.taskStatus(taskId);
      opts.onStatus?.(s);
      if (s.status === 'completed' || s.status === 'failed') return s;
      if (Date.now() > until) throw new Error(`task ${taskId} is still ${s.status} after waiting`);
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 250));
    }
  }

  // provers (seed API)
  listProvers(): Promise<T.Prover[]> {
    return this.#json('GET', '/provers');
  }
  registerProver(body: T.RegisterProverRequest): Promise<string> {
    return this.#json('POST', '/provers/register', body);
  }
  heartbeat(body: T.HeartbeatRequest): Promise<T.HeartbeatResponse> {
    return this.#json('POST', '/provers/heartbeat', body);
  }

  // programs
  listPrograms(): Promise<T.Program[]> {
    return this.#json('GET', '/programs');
  }
  getProgram(programId: string): Promise<T.Program> {
    return this.#json('GET', `/programs/${enc(programId)}`);
  }
  registerProgram(body: T.RegisterProgramRequest): Promise<T.Program> {
    return this.#json('POST', '/programs', body);
  }
  /** The raw bytes of a program artifact (the vkey as its JSON text). */
  async downloadArtifact(programId: string, kind: 'wasm' | 'zkey' | 'vkey'): Promise<Uint8Array> {
    const res = await this.#fetch('GET', `/programs/${enc(programId)}/artifacts/${kind}`);
    if (!res.ok) throw await toError(res);
    return new Uint8Array(await res.arrayBuffer());
  }

  // system
  health(): Promise<T.Health> {
    return this.#json('GET', '/healthz');
  }

  async #fetch(method: string, path: string, body?: unknown): Promise<Response> {
    const url = this.baseUrl + path;
    try {
      return await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (err) {
      throw new ConnectionError(this.baseUrl, (err as { cause?: unknown }).cause ?? err);
    }
  }

  async #json<R>(method: string, path: string, body?: unknown): Promise<R> {
    const res = await this.#fetch(method, path, body);
    if (!res.ok) throw await toError(res);
    // Routes that answer a bare id (POST /tasks, POST /provers/register) send it as text/plain.
    if (!(res.headers.get('content-type') ?? '').includes('json')) return (await res.text()) as R;
    return (await res.json()) as R;
  }
}

async function toError(res: Response): Promise<ProofMarketError> {
  const text = await res.text();
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    return new ProofMarketError(res.status, error.code, error.message);
  } catch {
    return new ProofMarketError(res.status, `http_${res.status}`, text.slice(0, 200) || res.statusText);
  }
}

const enc = encodeURIComponent;
