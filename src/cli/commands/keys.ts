import { readFileSync } from 'node:fs';
import { generatePrivateKey } from 'viem/accounts';
import { parse } from '../args.ts';
import { CliError, EXIT, usage, fileError } from '../errors.ts';
import { keyFileOf, normalizePrivateKey, readKeyFile, resolveKeyPath, writeKeyFile } from '../keys.ts';

export const help = `proofmarket keys — your key: its address is your id in the market, and it signs your calls

Usage:
  proofmarket keys new [--force]                  make a new key and save it
  proofmarket keys show [--private]               print the key's address (and, with --private, the private key)
  proofmarket keys import <HEX> [--force]         save an existing private key (0x + 64 hex)
  proofmarket keys import --from-file F [--force] read it from a file (hex, or a key file's JSON; - for stdin),
                                                  so it stays out of the shell history

Options:
  --key FILE    the key file (default $PROOFMARKET_KEY, else ~/.proofmarket/key.json)
  --force       replace an existing key file (the old key is lost unless you kept a copy)
  --private     show also prints the private key; anyone who sees it can act as you

The key file is JSON {"version":1,"address":"0x…","private_key":"0x…"}, mode 0600 in a 0700 directory; a key
file readable by group or others is refused. The address (stdout, lower case) is what the market calls you.

Examples:
  proofmarket keys new
  proofmarket keys show
  PROOFMARKET_KEY=./prover-key.json proofmarket keys import --from-file ./secret.hex`;

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parse(
    argv,
    {
      key: { type: 'string' },
      force: { type: 'boolean' },
      private: { type: 'boolean' },
      'from-file': { type: 'string' },
    },
    true,
  );
  if (values.help) return void console.log(help);
  const [sub, ...args] = positionals;
  const path = resolveKeyPath(values.key);
  const onlyFor = (flag: string, set: unknown, subs: string[]) => {
    if (set !== undefined && !subs.includes(sub!)) throw usage(`--${flag} is for keys ${subs.join('/')}, not keys ${sub}`);
  };
  onlyFor('force', values.force, ['new', 'import']);
  onlyFor('private', values.private, ['show']);
  onlyFor('from-file', values['from-file'], ['import']);
  switch (sub) {
    case 'new': {
      noArgs(args, 'new');
      const key = keyFileOf(generatePrivateKey());
      writeKeyFile(path, key, { force: values.force === true });
      console.error(`wrote a new key to ${path} (mode 0600); back it up: it cannot be recovered`);
      console.log(key.address);
      return;
    }
    case 'show': {
      noArgs(args, 'show');
      const key = readKeyFile(path);
      console.log(key.address);
      if (values.private) console.log(key.private_key);
      return;
    }
    case 'import': {
      const from = values['from-file'];
      if (from !== undefined && args.length > 0) throw usage('give the private key as an argument or with --from-file, not both');
      if (from === undefined && args.length !== 1) throw usage('expected the private key (0x + 64 hex) or --from-file F; see proofmarket keys --help');
      const text = from === undefined ? args[0]! : readSecret(from);
      const key = keyFileOf(normalizePrivateKey(privateKeyIn(text)));
      writeKeyFile(path, key, { force: values.force === true });
      console.error(`imported the key into ${path} (mode 0600)`);
      console.log(key.address);
      return;
    }
    case undefined:
      throw usage('expected a subcommand: new, show or import; see proofmarket keys --help');
    default:
      throw usage(`unknown subcommand "${sub}": expected new, show or import`);
  }
}

function noArgs(args: string[], sub: string): void {
  if (args.length > 0) throw usage(`keys ${sub} takes no arguments, got "${args.join(' ')}"`);
}

/** The hex itself, or the private_key of a key file's JSON (importing another proofmarket key file). */
function privateKeyIn(text: string): string {
  if (!text.trim().startsWith('{')) return text;
  try {
    const doc = JSON.parse(text) as { private_key?: unknown };
    if (typeof doc.private_key === 'string') return doc.private_key;
  } catch {
    // not JSON: reported below as not a key
  }
  throw new CliError('invalid_private_key', '--from-file holds neither a private key (0x + 64 hex) nor a key file with "private_key"', EXIT.key);
}

function readSecret(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError('file_not_found', `--from-file: no file ${file}; check the path`, EXIT.file);
    throw fileError(`--from-file ${file}`, err);
  }
}
