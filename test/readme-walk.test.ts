// The README walkthrough's conventions (test/support/readme-walk.ts), without a coordinator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillPlaceholders, shows, showsInOrder, splitComment, walkthrough } from './support/readme-walk.ts';

const README = [
  '# x', '', '## A', 'prose', '', '```sh',
  'proofmarket serve --open &   # → listening on http://127.0.0.1:8080',
  "curl -d '{\"a\": \"#1\"}' http://x \\",
  '  -H "h: #2"   # sends → ok',
  '# a comment line', '',
  '```', '', '```', 'line one …', 'line two', '```', '',
  '## B', '```sh', 'echo b', '```', '', '```sh', 'echo c', '```', '', '## C', '```sh', 'echo never', '```', '',
].join('\n');

test('blocks of the named sections in order, commands with their expectations, backgrounds and output blocks', () => {
  const blocks = walkthrough(README, ['A', 'B']);
  assert.deepEqual(blocks.map((b) => [b.section, b.commands.map((c) => c.text)]), [
    ['A', ['proofmarket serve --open', `curl -d '{"a": "#1"}' http://x  -H "h: #2"`]],
    ['B', ['echo b']],
    ['B', ['echo c']],
  ]);
  const [serve, curl] = blocks[0]!.commands;
  assert.equal(serve!.background, true);
  assert.equal(serve!.expect, 'listening on http://127.0.0.1:8080');
  assert.equal(serve!.line, 7);
  assert.equal(curl!.background, false);
  assert.equal(curl!.expect, 'ok');
  assert.deepEqual(blocks[0]!.output, ['line one …', 'line two']);
  assert.equal(blocks[1]!.output, undefined);
  assert.throws(() => walkthrough(README, ['Z']), /no section "Z"/);
});

test('a # inside quotes or a word is not a comment', () => {
  assert.deepEqual(splitComment(`echo "a # b" c#d 'e # f' # g`), { code: `echo "a # b" c#d 'e # f' `, comment: 'g' });
  assert.deepEqual(splitComment('echo \\# x'), { code: 'echo \\# x' });
});

test('… stands for anything on one line; output blocks match in order', () => {
  assert.ok(shows('registered prover my_prover\n', 'registered prover my_prover'));
  assert.ok(shows('listening on http://127.0.0.1:40123 (store)', 'listening on http://127.0.0.1:…'));
  assert.ok(shows('balance 5,000,000', 'balance …,000'));
  assert.ok(!shows('balance\n5,000', 'balance …5,000'), '… does not cross lines');
  assert.ok(!shows('a(b)', 'a.b.'), 'the rest is literal');
  assert.equal(showsInOrder('one\ntwo\nthree', ['one', 'three']), undefined);
  assert.equal(showsInOrder('one\ntwo\nthree', ['three', 'one']), 'one');
});

test('placeholders come from the latest JSON output that has the field, depth first', () => {
  const outputs = [{ request_id: 'r1', program_id: 'p1' }, [{ bid_id: '1-0', request_id: 'r2' }], { other: 1 }];
  assert.equal(fillPlaceholders('choose <request_id> <bid_id> --program <program_id>', outputs), 'choose r2 1-0 --program p1');
  assert.equal(fillPlaceholders('cat < in > out', outputs), 'cat < in > out');
  assert.throws(() => fillPlaceholders('proof <slash_id>', outputs), /no earlier command printed a JSON document with "slash_id"/);
});
