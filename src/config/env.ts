/** What every config reader shares: the environment it reads, and how an unset value looks. */

/** An environment as the config readers take it: `process.env` at an entry point, a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A setting's value, trimmed; empty counts as unset, as in `VAR= npm start`. */
export function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}
