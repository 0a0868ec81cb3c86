import { createHash } from 'node:crypto';
import type { Clock } from '../domain/clock.ts';
import { conflict, forbidden, invalid, notFound, MarketError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { isHeld, isProofOverdue, qualityScore, statusAfterRejectedProof, type TaskStatus } from '../domain/task.ts';
import { canonicalJson } from '../proofs/canonical.ts';
import { builtinArtifactUrl, encodingOf, loadBuiltinPrograms, nPublicOf } from '../proofs/programs.ts';
import type { Verifier } from '../proofs/verifier.ts';
import type { Db, Queryable } from '../store/db.ts';
import { readFile } from 'node:fs/promises';
import { getProgram, getStoredArtifact, insertProgram, type ArtifactKind, type ProgramRecord } from '../store/programs.ts';
import * as provers from '../store/provers.ts';
import * as tasks from '../store/tasks.ts';
import type { CoordinatorConfig } from './config.ts';
import type { Metrics } from './metrics.ts';

/** `POST /tasks`, after schema validation. */
export interface SubmitTaskInput {
  task_id?: string;
  privacy_level: number;
  circuit_data: number[];
  reward_amount: bigint;
  requester: string;
  priority: number;
}

export interface RegisterProverInput {
  prover_id?: string;
  supported_levels: number[];
  capacity: number;
  [extra: string]: unknown;
}

export interface ResultInput {
  task_id: string;
  prover_id: string;
  proof: number[];
}

export interface ResultOutcome {
  accepted: boolean;
  verification_result: 'Pass' | 'Fail';
  quality_score: number;
  reason?: string;
}

/**
 * The coordinator's rules of the market, between the HTTP routes and the store: what a task, a prover and a
 * result may do, in which transaction, and what it records. Time comes from the injected clock.
 */
export class Market {
  readonly #programs = new Map<string, ProgramRecord>();
  /** Built-in program per privacy route ("name/system"); the routes are fixed for the process's life. */
  readonly #routeCache = new Map<string, ProgramRecord>();

  constructor(
    readonly db: Db,
    readonly clock: Clock,
    readonly verifier: Verifier,
    readonly config: CoordinatorConfig,
    readonly metrics: Metrics,
  ) {}

  /** Registers the shipped programs (idempotent) and checks every privacy level has a program. */
  async init(): Promise<void> {
    for (const p of loadBuiltinPrograms(this.clock.now())) await insertProgram(this.db, p, 'none');
    for (const route of this.config.privacyRoutes) await this.programForLevel(route.from);
  }

  async program(programId: string): Promise<ProgramRecord> {
    let p = this.#programs.get(programId);
    if (!p) {
      p = await getProgram(this.db, programId);
      if (!p) throw notFound('program_not_found', `no program with id "${programId}"`);
      this.#programs.set(programId, p);
    }
    return p;
  }

  /** A program's artifact: built-ins from the files shipped under circuits/, uploads from the database. */
  async artifact(programId: string, kind: ArtifactKind): Promise<Uint8Array> {
    const program = await this.program(programId);
    // Built-ins keep only their (canonical) vkey in the database; their wasm and zkey ship as files.
    if (program.builtin && kind !== 'vkey') return readFile(builtinArtifactUrl(program.name, program.proof_system, kind));
    const stored = await getStoredArtifact(this.db, programId, kind);
    if (!stored) throw notFound('artifact_not_found', `program "${programId}" has no ${kind} artifact`);
    return stored;
  }

  async programForLevel(level: number): Promise<ProgramRecord> {
    const route = this.config.privacyRoutes.find((r) => level >= r.from && level <= r.to);
    if (!route) throw invalid('unsupported_privacy_level', `no program serves privacy level ${level}`);
    const key = `${route.program}/${route.system}`;
    const cached = this.#routeCache.get(key);
    if (cached) return cached;
    const rows = await this.db.query<{ program_id: string }>(
      `SELECT program_id FROM programs WHERE builtin AND name = $1 AND proof_system = $2 ORDER BY created_at DESC LIMIT 1`,
      [route.program, route.system],
    );
    if (!rows[0]) throw new MarketError('unavailable', 'program_missing', `the built-in program ${route.program}/${route.system} is not installed`);
    const program = await this.program(rows[0].program_id);
    this.#routeCache.set(key, program);
    return program;
  }

  // ── tasks ────────────────────────────────────────────────────────────────────────────────────────

  async submitTask(input: SubmitTaskInput): Promise<string> {
    const taskId = input.task_id ?? newId();
    const data = Uint8Array.from(input.circuit_data);
    const program = await this.programForLevel(input.privacy_level);
    const encoding = encodingOf(program.input_encoding);
    if (encoding.maxBytes !== null && data.length > encoding.maxBytes) {
      throw invalid('input_too_large', `circuit_data has ${data.length} bytes; program ${program.name} takes at most ${encoding.maxBytes}`);
    }
    const expected = await encoding.expectedPublicSignals(data, {
      wasm: () => this.artifact(program.program_id, 'wasm'),
      nPublic: nPublicOf(program.vkey),
    });
    const requestHash = hashOf({ ...input, task_id: taskId, reward_amount: input.reward_amount.toString() });
    const now = this.clock.now();
    const inserted = await tasks.insertTask(this.db, {
      task_id: taskId,
      privacy_level: input.privacy_level,
      circuit_data: data,
      reward_amount: input.reward_amount,
      requester: input.requester,
      priority: input.priority,
      program_id: program.program_id,
      expected_public_signals: expected,
      status: 'pending',
      assigned_prover: null,
      assigned_at: null,
      attempts: 0,
      excluded_provers: [],
      deadline: new Date(now.getTime() + this.config.taskDeadlineMs),
      request_hash: requestHash,
      created_at: now,
      updated_at: now,
    });
    if (!inserted) {
      const existing = await tasks.getTask(this.db, taskId);
      if (existing?.request_hash !== requestHash) {
        throw conflict('duplicate_task_id', `a different task with id "${taskId}" already exists`);
      }
    } else {
      this.metrics.tasksSubmitted.inc();
    }
    return taskId;
  }

  async task(taskId: string): Promise<tasks.TaskRecord> {
    const t = await tasks.getTask(this.db, taskId);
    if (!t) throw notFound('task_not_found', `no task with id "${taskId}"`);
    return t;
  }

  async taskStatus(taskId: string) {
    const t = await this.task(taskId);
    const history = await tasks.listTaskEvents(this.db, taskId);
    return { task: t, history };
  }

  /** Hands the prover its next task, or undefined. Polling counts as a heartbeat. */
  async assignNext(proverId: string): Promise<tasks.TaskRecord | undefined> {
    const started = performance.now();
    const now = this.clock.now();
    const unknown = () => notFound('prover_not_found', `no prover with id "${proverId}"; register it first`);
    // One statement does it all; PostgreSQL also needs the prover's row locked first, so that two polls by
    // one prover (even through two coordinators) cannot both pass the capacity check.
    const assigned = this.db.serialized
      ? await tasks.pollAndClaim(this.db, proverId, now)
      : await this.db.transaction(async (tx) => {
          if (!(await provers.lockProver(tx, proverId))) throw unknown();
          return tasks.pollAndClaim(tx, proverId, now);
        });
    // Nothing claimed: either there was no work, or no such prover (checked only then, off the hot path).
    if (!assigned && this.db.serialized && !(await provers.proverExists(this.db, proverId))) throw unknown();
    this.metrics.assignRequest.observe((performance.now() - started) / 1000);
    if (assigned) this.metrics.timeToAssignment.observe((now.getTime() - assigned.created_at.getTime()) / 1000);
    return assigned;
  }

  /** The prover says it has begun proving: assigned → in_progress. */
  async startTask(taskId: string, proverId: string): Promise<tasks.TaskRecord> {
    return this.db.transaction(async (tx) => {
      const task = await this.#heldBy(tx, taskId, proverId);
      if (task.status === 'in_progress') return task;
      return tasks.moveTask(tx, task, 'in_progress', 'started', this.clock.now());
    });
  }

  /** The prover gives a task back (e.g. on shutdown): it returns to pending without counting as a failure. */
  async releaseTask(taskId: string, proverId: string): Promise<tasks.TaskRecord> {
    return this.db.transaction(async (tx) => {
      const task = await this.#heldBy(tx, taskId, proverId);
      return tasks.moveTask(tx, task, 'pending', 'prover_released', this.clock.now(), { assigned_prover: null, assigned_at: null }, { prover_id: proverId });
    });
  }

  async #heldBy(q: Queryable, taskId: string, proverId: string): Promise<tasks.TaskRecord> {
    const task = await tasks.getTask(q, taskId, true);
    if (!task) throw notFound('task_not_found', `no task with id "${taskId}"`);
    if (task.status === 'completed') throw conflict('task_completed', `task "${taskId}" is already completed`);
    if (task.status === 'failed') throw conflict('task_failed', `task "${taskId}" has failed and takes no more results`);
    if (!isHeld(task.status) || task.assigned_prover !== proverId) {
      throw forbidden('not_assigned', `task "${taskId}" is not assigned to prover "${proverId}"`);
    }
    return task;
  }

  /**
   * Verifies a submitted proof and settles the task. Verification runs outside any transaction (it takes
   * milliseconds of CPU on a worker thread). The task is then settled in one statement that stores the proof
   * and moves the task only if the task is still as it was read before verifying; if it changed meanwhile (it
   * timed out, was swept, got another result), it is re-read under lock and settled from what is there now, so
   * a late result for a task that timed out is refused, with the same errors as before verifying.
   */
  async submitResult(input: ResultInput): Promise<ResultOutcome> {
    const seen = await this.#heldBy(this.db, input.task_id, input.prover_id);
    const program = await this.program(seen.program_id);
    const proofBytes = Uint8Array.from(input.proof);
    const verdict = await this.verifier.verify(proofBytes, {
      system: program.proof_system,
      vkey: program.vkey,
      expectedPublicSignals: seen.expected_public_signals,
    });
    this.metrics.verification.observe({ result: verdict.pass ? 'Pass' : 'Fail' }, verdict.ms / 1000);
    const now = this.clock.now();
    const fast = this.#settlement(seen, input.prover_id, proofBytes, verdict, now);
    let outcome: ResultOutcome;
    if (await tasks.recordProofAndMove(this.db, seen, fast.proof, fast.to, fast.cause, now, fast.changes, fast.event)) {
      outcome = fast.outcome;
    } else {
      outcome = await this.db.transaction(async (tx) => {
        const task = await this.#heldBy(tx, input.task_id, input.prover_id);
        const s = this.#settlement(task, input.prover_id, proofBytes, verdict, now);
        // Under the row lock the task is exactly as just read, so the same single write applies.
        if (!(await tasks.recordProofAndMove(tx, task, s.proof, s.to, s.cause, now, s.changes, s.event))) {
          throw conflict('task_changed', `task ${task.task_id} changed while it was being updated; retry`);
        }
        return s.outcome;
      });
    }
    this.metrics.results.inc({ result: outcome.verification_result });
    return outcome;
  }

  /** What a verdict does to a task held by `proverId`: the proof row, the move, and the answer. Pure. */
  #settlement(task: tasks.TaskRecord, proverId: string, proofBytes: Uint8Array, verdict: { pass: boolean; reason?: string; ms: number }, now: Date) {
    const elapsed = now.getTime() - (task.assigned_at ?? now).getTime();
    const quality = qualityScore(verdict.pass, elapsed, this.config.proofTimeoutMs);
    const proof = {
      prover_id: proverId,
      submitted_at: now,
      proof: proofBytes,
      verification_result: verdict.pass ? 'Pass' : 'Fail',
      reason: verdict.reason ?? null,
      quality_score: quality,
      verify_ms: verdict.ms,
    } as const;
    if (verdict.pass) {
      return {
        proof,
        to: 'completed' as TaskStatus,
        cause: 'proof_verified' as const,
        changes: {},
        event: { detail: { quality_score: quality } },
        outcome: { accepted: true, verification_result: 'Pass', quality_score: quality } as ResultOutcome,
      };
    }
    const attempts = task.attempts + 1;
    const next: TaskStatus = statusAfterRejectedProof(attempts, this.config.maxAttempts);
    return {
      proof,
      to: next,
      cause: next === 'failed' ? ('max_attempts' as const) : ('proof_rejected' as const),
      changes: { attempts, assigned_prover: null, assigned_at: null, excluded_provers: [...task.excluded_provers, proverId] },
      event: { prover_id: proverId, detail: { reason: verdict.reason ?? null } },
      outcome: { accepted: false, verification_result: 'Fail', quality_score: 0, reason: verdict.reason } as ResultOutcome,
    };
  }

  // ── provers ──────────────────────────────────────────────────────────────────────────────────────

  async registerProver(input: RegisterProverInput): Promise<string> {
    const proverId = input.prover_id ?? newId();
    const registration = { ...input, prover_id: proverId };
    const now = this.clock.now();
    const inserted = await provers.insertProver(this.db, {
      prover_id: proverId,
      supported_levels: [...new Set(input.supported_levels)].sort((a, b) => a - b),
      capacity: input.capacity,
      status: 'active',
      current_load: 0,
      registration,
      registered_at: now,
      last_heartbeat_at: now,
      updated_at: now,
    });
    if (!inserted) {
      const existing = await provers.getProver(this.db, proverId);
      if (!existing || canonicalJson(existing.registration) !== canonicalJson(registration)) {
        throw conflict('duplicate_prover_id', `a prover with id "${proverId}" is already registered with other settings`);
      }
      await provers.recordHeartbeat(this.db, proverId, now, existing.status === 'offline' ? 'active' : existing.status, null);
    }
    return proverId;
  }

  async heartbeat(proverId: string, status: provers.ProverStatus | undefined, currentLoad: number | undefined) {
    const p = await provers.recordHeartbeat(this.db, proverId, this.clock.now(), status ?? 'active', currentLoad ?? null);
    if (!p) throw notFound('prover_not_found', `no prover with id "${proverId}"; register it first`);
    return p;
  }

  listProvers() {
    return provers.listProvers(this.db);
  }

  // ── the sweep ────────────────────────────────────────────────────────────────────────────────────

  /**
   * One pass of the scheduler: silent provers go offline and their tasks back to pending; tasks held past
   * the proof timeout go back to pending; unfinished tasks past their deadline fail. Safe to run from
   * several coordinators at once (SKIP LOCKED), and idempotent.
   */
  async sweep(): Promise<{ offline: string[]; requeued: number; expired: number }> {
    const now = this.clock.now();
    const timeouts = { heartbeatTimeoutMs: this.config.heartbeatTimeoutMs, proofTimeoutMs: this.config.proofTimeoutMs };
    const offline = await provers.markSilentProversOffline(this.db, new Date(now.getTime() - timeouts.heartbeatTimeoutMs), now);
    return this.db.transaction(async (tx) => {
      const stuck = await tasks.lockStuckTasks(tx, new Date(now.getTime() - timeouts.proofTimeoutMs));
      for (const task of stuck) {
        const cause = task.assigned_at && isProofOverdue(task.assigned_at, now, timeouts) ? 'proof_timeout' : 'prover_offline';
        await tasks.moveTask(tx, task, 'pending', cause, now, { assigned_prover: null, assigned_at: null }, { prover_id: task.assigned_prover });
      }
      const expired = await tasks.lockExpiredTasks(tx, now);
      for (const task of expired) {
        await tasks.moveTask(tx, task, 'failed', 'deadline', now, { assigned_prover: null, assigned_at: null }, { prover_id: task.assigned_prover });
      }
      return { offline, requeued: stuck.length, expired: expired.length };
    });
  }
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
