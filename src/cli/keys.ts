// The CLI's view of the key file (src/keys/key-file.ts holds the format and the checks): the same
// functions, with a KeyFileError turned into the CliError the CLI prints (exit 5, the key class: bad_key_file
// for a key file that cannot be used, key_file_exists, invalid_private_key for a key given as text).
import * as keyFile from '../keys/key-file.ts';
import type { Signer } from '../sdk/signer.ts';
import { CliError, EXIT } from './errors.ts';

export { defaultKeyPath, resolveKeyPath, type KeyFile } from '../keys/key-file.ts';

function asCliError<T>(code: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof keyFile.KeyFileError) throw new CliError(code, err.message, EXIT.key, { cause: err });
    throw err;
  }
}

export const normalizePrivateKey = (text: string): string => asCliError('invalid_private_key', () => keyFile.normalizePrivateKey(text));

export const keyFileOf = (privateKey: string): keyFile.KeyFile => asCliError('invalid_private_key', () => keyFile.keyFileOf(privateKey));

export const writeKeyFile = (path: string, key: keyFile.KeyFile, opts: { force?: boolean } = {}): void => asCliError('key_file_exists', () => keyFile.writeKeyFile(path, key, opts));

export const readKeyFile = (path: string): keyFile.KeyFile => asCliError('bad_key_file', () => keyFile.readKeyFile(path));

export const loadSigner = (path: string = keyFile.resolveKeyPath(undefined)): Signer => asCliError('bad_key_file', () => keyFile.loadSigner(path));
