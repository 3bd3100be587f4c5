/**
 * The API's tokens file (`AUTH_TOKENS_FILE`): a JSON array of `{ subject, role, tokenSha256 }`. Only the SHA-256 of
 * each token is stored; `plctl token new` makes a token and prints its entry.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { reservedActorProblem } from '../domain/actors';
import { formatPath } from '../domain/problems';
import { type Role, roles } from '../domain/roles';
import { AppError } from '../errors';
import { PRIVATE_FILE_MODE, restrictFile } from '../paths';

/** One token: who holds it, their role, and the token's SHA-256 as hex. */
export interface TokenEntry {
  subject: string;
  role: Role;
  tokenSha256: string;
}

const tokenEntry = z
  .object({
    subject: z
      .string()
      .trim()
      .min(1, { error: 'must name who holds the token (e.g. alice@vendor.example)' })
      .superRefine((subject, ctx) => {
        const problem = reservedActorProblem(subject);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    role: z.enum(roles, { error: `must be one of ${roles.join(', ')}` }),
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/i, {
      error: 'must be the SHA-256 of the token as 64 hex digits (never the token itself)',
    }),
  })
  .strict();

const tokensFile = z.array(tokenEntry, { error: 'must be a JSON array of { subject, role, tokenSha256 }' });

/** Entries that hold the same token as an earlier one (checked on the raw file, so it is reported with the rest). */
function duplicateTokens(content: unknown): string[] {
  if (!Array.isArray(content)) return [];
  const seen = new Map<string, number>();
  const problems: string[] = [];
  content.forEach((entry: unknown, i) => {
    const hash = (entry as { tokenSha256?: unknown } | null)?.tokenSha256;
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/i.test(hash)) return;
    const first = seen.get(hash.toLowerCase());
    if (first !== undefined) problems.push(`[${i}].tokenSha256: is the same token as entry ${first}`);
    else seen.set(hash.toLowerCase(), i);
  });
  return problems;
}

/** A tokens file's entries from its parsed content; every problem is listed in one `invalid_config` AppError. */
export function parseTokensFile(content: unknown, source = 'AUTH_TOKENS_FILE'): TokenEntry[] {
  const parsed = tokensFile.safeParse(content);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((i) =>
          i.code === 'unrecognized_keys'
            ? `${formatPath(i.path)}: unknown field(s) ${i.keys.join(', ')}`
            : `${formatPath(i.path)}: ${i.message}`,
        )),
    ...duplicateTokens(content),
  ];
  if (!parsed.success || problems.length) {
    throw new AppError('invalid_config', `The tokens file ${source} is invalid:`, problems);
  }
  return parsed.data;
}

/** Reads and parses the tokens file at `path`. */
export function readTokensFile(path: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new AppError(
      'invalid_config',
      `Cannot read the tokens file ${path} (AUTH_TOKENS_FILE): ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch (err) {
    throw new AppError(
      'invalid_config',
      `The tokens file ${path} (AUTH_TOKENS_FILE) is not valid JSON: ${(err as Error).message}`,
    );
  }
  return parseTokensFile(content, `${path} (AUTH_TOKENS_FILE)`);
}

/**
 * Adds an entry to the tokens file at `path` (`plctl token new --write`): the file is created when missing, an existing
 * one must be a valid tokens file (nothing is written otherwise), and it is left readable by its owner only. The new
 * content is written beside it and renamed over it, so a reader never sees half a file. Returns the entry count.
 */
export function addToTokensFile(path: string, entry: TokenEntry): number {
  const entries = existsSync(path) ? readTokensFile(path) : [];
  const next = parseTokensFile([...entries, entry], path);
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: PRIVATE_FILE_MODE });
  restrictFile(temp);
  renameSync(temp, path);
  return next.length;
}
