import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cached: string | undefined;

/** The product's root folder (where its package.json is), whether running from `src/` or `dist/src/`. */
export function projectRoot(): string {
  if (cached) return cached;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (
      existsSync(file) &&
      (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'privatelink-enablement'
    ) {
      return (cached = dir);
    }
  }
  throw new Error(`cannot find the privatelink-enablement package above ${__dirname}`);
}

/** Folders the product keeps its state in (the data folder, the ticket file's folder): the owner only. */
export const PRIVATE_DIR_MODE = 0o700;
/** Files the product writes there (the SQLite file, logs, the pid file, ticket comments): the owner only. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes a folder of the product's own readable by its owner only: created `0700` (with any parents it needs), and
 * narrowed to `0700` when it already exists with more. A folder this user does not own is left as it is.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  narrow(dir, PRIVATE_DIR_MODE);
}

/**
 * Makes a file of the product's own readable by its owner only: created empty with `0600` when missing, narrowed to
 * `0600` when it exists with more (a file from before this rule, or made by another tool under a looser umask).
 */
export function ensurePrivateFile(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
  narrow(file, PRIVATE_FILE_MODE);
}

/** Narrows an existing file of the product's own to `0600`; a file that is gone (or not this user's) is left alone. */
export function restrictFile(file: string): void {
  narrow(file, PRIVATE_FILE_MODE);
}

function narrow(path: string, mode: number): void {
  try {
    if ((statSync(path).mode & 0o777) !== mode) chmodSync(path, mode);
  } catch (err) {
    // Gone in the meantime, or not ours to change (another owner): leave it as it is.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw err;
  }
}
