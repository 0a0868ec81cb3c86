import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ArtifactError, classifyError, ProveError } from './errors.ts';
import { ConnectionError, ProofMarketError } from '../sdk/client.ts';
import {
  isTerminalPhase,
  newTaskState,
  stageOf,
  TaskTransitionError,
  TASK_PHASES,
  transition,
  type RetryClass,
  type TaskEvent,
  type TaskState,
} from './task-state.ts';

const policy = { maxAttempts: 3, maxReleaseAttempts: 2 };
const run = (events: TaskEvent[], now = 1000): TaskState => events.reduce((s, e) => transition(s, e, now, policy), newTaskState('t1', now));
const err = (retry: RetryClass, delayMs = 100): TaskEvent => ({ type: 'stage_error', error: 'boom', retry, delayMs });

test('the happy path: queued → fetching → proving → submitting → done', () => {
  const phases: string[] = [];
  let s = newTaskState('t1', 0);
  for (const e of [{ type: 'begin' }, { type: 'fetched' }, { type: 'proved' }, { type: 'verdict', pass: true }] as TaskEvent[]) {
    s = transition(s, e, 5, policy);
    phases.push(s.phase);
  }
  assert.deepEqual(phases, ['fetching', 'proving', 'submitting', 'done']);
  assert.equal(s.since, 5);
});

test('a Fail verdict ends in rejected, with the reason', () => {
  const s = run([{ type: 'begin' }, { type: 'fetched' }, { type: 'proved' }, { type: 'verdict', pass: false, reason: 'bad proof' }]);
  assert.equal(s.phase, 'rejected');
  assert.equal(s.error, 'bad proof');
});

test('events out of order are refused', () => {
  assert.throws(() => run([{ type: 'fetched' }]), TaskTransitionError);
  assert.throws(() => run([{ type: 'begin' }, { type: 'proved' }]), TaskTransitionError);
  assert.throws(() => run([{ type: 'begin' }, { type: 'verdict', pass: true }]), TaskTransitionError);
  assert.throws(() => run([{ type: 'begin' }, { type: 'released' }]), TaskTransitionError);
  assert.throws(() => run([err('limited')]), TaskTransitionError);
});

test('a transient error is retried in place with the backoff delay, for as long as it takes', () => {
  let s = run([{ type: 'begin' }, { type: 'fetched' }, { type: 'proved' }]);
  for (let i = 1; i <= 20; i++) {
    s = transition(s, err('transient', 250), 2000, policy);
    assert.equal(s.phase, 'submitting');
    assert.equal(s.attempt, i);
    assert.equal(s.notBefore, 2250);
  }
  s = transition(s, { type: 'verdict', pass: true }, 3000, policy);
  assert.equal(s.phase, 'done');
  assert.equal(s.attempt, 0);
});

test('a limited error is retried up to maxAttempts, then the task is released as failed', () => {
  let s = run([{ type: 'begin' }, { type: 'fetched' }]);
  s = transition(s, err('limited'), 0, policy);
  s = transition(s, err('limited'), 0, policy);
  assert.equal(s.phase, 'proving');
  assert.equal(s.attempt, 2);
  s = transition(s, err('limited'), 0, policy);
  assert.equal(s.phase, 'releasing');
  assert.equal(s.releaseAs, 'failed');
  s = transition(s, { type: 'released' }, 0, policy);
  assert.equal(s.phase, 'failed');
  assert.equal(s.error, 'boom');
});

test('a success resets the attempt count of the next stage', () => {
  const s = run([{ type: 'begin' }, err('limited'), err('limited'), { type: 'fetched' }, err('limited')]);
  assert.equal(s.phase, 'proving');
  assert.equal(s.attempt, 1);
});

test('a never-retry error (e.g. a bad artifact) gives the task back at once', () => {
  const s = run([{ type: 'begin' }, err('never')]);
  assert.equal(s.phase, 'releasing');
  assert.equal(s.releaseAs, 'failed');
});

test('hand-back from any active phase releases; from releasing it keeps the first reason', () => {
  for (const before of [[], [{ type: 'begin' }], [{ type: 'begin' }, { type: 'fetched' }], [{ type: 'begin' }, { type: 'fetched' }, { type: 'proved' }]] as TaskEvent[][]) {
    const s = run([...before, { type: 'hand_back', reason: 'stopping' }, { type: 'released' }]);
    assert.equal(s.phase, 'released');
    assert.equal(s.error, 'stopping');
  }
  const failing = run([{ type: 'begin' }, err('never'), { type: 'hand_back', reason: 'stopping' }, { type: 'released' }]);
  assert.equal(failing.phase, 'failed');
});

test('a release that keeps failing ends the task anyway (bounded)', () => {
  let s = run([{ type: 'begin' }, { type: 'hand_back', reason: 'stopping' }]);
  s = transition(s, err('transient'), 0, policy);
  assert.equal(s.phase, 'releasing');
  s = transition(s, err('transient'), 0, policy);
  assert.equal(s.phase, 'released');
  assert.match(s.error!, /release failed/);
});

test('lost from any active phase', () => {
  for (const before of [[], [{ type: 'begin' }], [{ type: 'begin' }, { type: 'fetched' }, { type: 'proved' }]] as TaskEvent[][]) {
    assert.equal(run([...before, { type: 'lost', reason: 'not_assigned' }]).phase, 'lost');
  }
});

test('terminal phases accept no event, and every walk ends terminal or active with a stage', () => {
  const events: TaskEvent[] = [
    { type: 'begin' },
    { type: 'fetched' },
    { type: 'proved' },
    { type: 'verdict', pass: true },
    { type: 'verdict', pass: false },
    err('transient'),
    err('limited'),
    err('never'),
    { type: 'lost', reason: 'x' },
    { type: 'hand_back', reason: 'x' },
    { type: 'released' },
  ];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...events), { maxLength: 40 }), (walk) => {
      let s = newTaskState('t', 0);
      let terminalAt = -1;
      walk.forEach((e, i) => {
        try {
          const next = transition(s, e, i, policy);
          assert.ok(!isTerminalPhase(s.phase), 'a terminal state moved');
          s = next;
          if (isTerminalPhase(s.phase) && terminalAt < 0) terminalAt = i;
        } catch (x) {
          assert.ok(x instanceof TaskTransitionError);
        }
      });
      assert.ok(TASK_PHASES.includes(s.phase));
      assert.equal(stageOf(s.phase) === null, isTerminalPhase(s.phase));
      // Attempts never exceed the limits, except transient retries, which are unbounded by design.
      if (s.phase === 'releasing') assert.ok(s.attempt < policy.maxReleaseAttempts);
    }),
  );
});

test('errors are classified: transient, re-register, lost, never, limited', () => {
  const c1 = classifyError(new ConnectionError('http://x', new Error('ECONNREFUSED')));
  assert.deepEqual(c1, { kind: 'retry', retry: 'transient', reregister: false, connection: true });
  assert.deepEqual(classifyError(new ProofMarketError(404, 'prover_not_found', 'no prover')), { kind: 'retry', retry: 'transient', reregister: true, connection: false });
  for (const [status, code] of [[404, 'task_not_found'], [403, 'not_assigned'], [409, 'task_completed'], [409, 'task_failed']] as const) {
    const c = classifyError(new ProofMarketError(status, code, 'gone'));
    assert.equal(c.kind, 'lost');
  }
  assert.equal((classifyError(new ProofMarketError(503, 'unavailable', 'x')) as { retry: string }).retry, 'transient');
  assert.equal((classifyError(new ProofMarketError(500, 'internal', 'x')) as { retry: string }).retry, 'transient');
  assert.equal((classifyError(new ProofMarketError(400, 'invalid_request', 'x')) as { retry: string }).retry, 'never');
  assert.equal((classifyError(new ArtifactError('mismatch')) as { retry: string }).retry, 'never');
  assert.equal((classifyError(new ProveError('worker crashed')) as { retry: string }).retry, 'limited');
  assert.equal((classifyError(new Error('odd')) as { retry: string }).retry, 'limited');
});
