/**
 * The one way tests wait for something that happens on its own time (a signal applied, an effect carried out,
 * visibility catching up, a process ready): poll, never sleep a guessed time.
 */

/** How long and how often to poll, and what is waited for (for the error). */
export interface PollOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Poll this often (default 50 ms). */
  intervalMs?: number;
  /** What the test waits for, named in the error when it does not come. */
  what?: string;
}

/**
 * Reads a value until `done` holds for it, and returns that value. After `timeoutMs` it throws, naming what it waited
 * for and the last value read, so a test fails where it waited and says why.
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 10_000, intervalMs = 50, what = 'a condition' }: PollOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last seen: ${describe(value)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Polls `check` until it returns true; throws after `timeoutMs`, naming `what`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<void> {
  await eventually(check, (ok) => ok, { timeoutMs, intervalMs, what });
}

function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/**
 * Maps `items` with at most `limit` calls running at once, answering in the items' order: for tests that start many
 * requests on one dev server, which slows down for all of them (SQLite, two cores) when all start together.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
