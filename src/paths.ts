import { existsSync, readFileSync } from 'node:fs';
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
