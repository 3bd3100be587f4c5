/** What every config reader shares: the environment it reads, and how an unset value looks. */
import { AppError } from '../errors';

/** An environment as the config readers take it: `process.env` at an entry point, a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A setting's value, trimmed; empty counts as unset, as in `VAR= npm start`. */
export function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

/**
 * Runs each settings reader of a process and returns what each read. When readers fail with `invalid_config`, one
 * error carries every failing reader's message (each with its own list of problems), so start-up shows every bad
 * setting at once instead of one group per attempt.
 */
export function readAll<T extends Record<string, () => unknown>>(readers: T): { [K in keyof T]: ReturnType<T[K]> } {
  const results: Record<string, unknown> = {};
  const failures: AppError[] = [];
  for (const [name, read] of Object.entries(readers)) {
    try {
      results[name] = read();
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'invalid_config') throw err;
      failures.push(err);
    }
  }
  if (failures.length === 1) throw failures[0]!;
  if (failures.length > 1) throw new AppError('invalid_config', failures.map((f) => f.message).join('\n'));
  return results as { [K in keyof T]: ReturnType<T[K]> };
}
