import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { cidOfStream, cidProblem } from '../../artifacts/cid.ts';
import { parse } from '../args.ts';
import { CliError, usage, fileError } from '../errors.ts';
import { emit, GLOBAL_HELP, GLOBAL_OPTIONS, guard, openContext } from '../context.ts';

export const help = `proofmarket artifact — put files into the coordinator's content-addressed store, and get them out

Usage:
  proofmarket artifact put FILE            upload FILE (streamed); prints its CID
  proofmarket artifact get CID [-o FILE]   download it (to stdout without -o), checked against its CID

A CID is the CIDv1 \`ipfs add --cid-version 1\` gives for the same bytes. A download whose bytes do not hash to
their CID is refused and nothing is left behind, whatever the coordinator served.

Options:
  -o, --out FILE   where get writes (default: stdout)

${GLOBAL_HELP}

Example:
  proofmarket artifact put model.onnx
  proofmarket artifact get bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4 -o hello.txt`;

const OPTIONS = { ...GLOBAL_OPTIONS, out: { type: 'string', short: 'o' } } as const;

export async function run(argv: string[]): Promise<void> {
  const { values: v, positionals } = parse(argv, OPTIONS, true);
  if (v.help) return void console.log(help);
  const [verb, target, ...rest] = positionals;
  if (rest.length) throw usage(`unexpected "${rest.join(' ')}"; see proofmarket artifact --help`);
  if (verb === 'put' && target) return put(v, target);
  if (verb === 'get' && target) return get(v, target);
  throw usage('expected "put FILE" or "get CID"; see proofmarket artifact --help');
}

async function put(v: Parameters<typeof openContext>[0], file: string): Promise<void> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (err) {
    throw fileError(file, err);
  }
  const ctx = await openContext(v, { signs: true });
  // Two passes over the file, none in memory: its sha256 (which the signature covers), then the upload.
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const stored = await guard(() => ctx.client.putArtifact({ stream: createReadStream(file), sha256: hash.digest('hex') }));
  emit(ctx, { ...stored, file }, () => (ctx.quiet ? stored.cid : `${stored.cid}  ${file} (${size} bytes)`));
}

/** The --out file, open (a directory that is not there is a one-line error, not an unhandled stream error). */
async function openOut(file: string) {
  const s = createWriteStream(file);
  try {
    await once(s, 'open');
  } catch (err) {
    throw fileError(`--out ${file}`, err, 'write');
  }
  return s;
}

async function get(v: Parameters<typeof openContext>[0] & { out?: string }, cid: string): Promise<void> {
  const problem = cidProblem(cid);
  if (problem) throw usage(problem);
  if (v.out === '') throw usage('--out must name a file');
  const ctx = await openContext(v, { signs: false });
  const { body } = await guard(() => ctx.client.streamArtifact(cid));
  const sink = v.out ? await openOut(v.out) : process.stdout;
  async function* teed() {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      if (!sink.write(chunk)) await once(sink, 'drain');
      yield chunk;
    }
  }
  const got = await cidOfStream(teed());
  if (v.out) {
    (sink as ReturnType<typeof createWriteStream>).end();
    await once(sink, 'close');
  }
  if (got.cid !== cid) {
    if (v.out) await rm(v.out, { force: true });
    throw new CliError('artifact_mismatch', `the coordinator served bytes that hash to ${got.cid}, not ${cid}: refused${v.out ? ` (${v.out} removed)` : ''}`);
  }
  if (v.out) emit(ctx, { cid, size: got.size, file: v.out }, () => (ctx.quiet ? v.out! : `${cid} → ${v.out} (${got.size} bytes, hash checked)`));
}
