// The CLI's view of the key file (src/keys/key-file.ts holds the format and the checks): the same
// functions, with a KeyFileError turned into the CliError the CLI prints (exit 2 for a usage mistake such
// as a missing file or a malformed key, else 1).
import * as keyFile from '../keys/key-file.ts';
import type { Signer } from '../sdk/signer.ts';
import { CliError } from './errors.ts';

export { defaultKeyPath, resolveKeyPath, type KeyFile } from '../keys/key-file.ts';

function asCliError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof keyFile.KeyFileError) throw new CliError(err.message, err.usage ? 2 : 1);
    throw err;
  }
}

export const normalizePrivateKey = (text: string): string => asCliError(() => keyFile.normalizePrivateKey(text));

export const keyFileOf = (privateKey: string): keyFile.KeyFile => asCliError(() => keyFile.keyFileOf(privateKey));

export const writeKeyFile = (path: string, key: keyFile.KeyFile, opts: { force?: boolean } = {}): void => asCliError(() => keyFile.writeKeyFile(path, key, opts));

export const readKeyFile = (path: string): keyFile.KeyFile => asCliError(() => keyFile.readKeyFile(path));

export const loadSigner = (path: string = keyFile.resolveKeyPath(undefined)): Signer => asCliError(() => keyFile.loadSigner(path));
