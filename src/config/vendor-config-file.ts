import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { formatProblem, type Problem } from '../domain/problems';
import { parseVendorConfig, type VendorConfig } from '../domain/vendor-config';
import { AppError } from '../errors';
import { projectRoot } from '../paths';
import { type Env, setting } from './env';

/** The documented example, used when `VENDOR_CONFIG` is not set. */
export function exampleVendorConfigPath(): string {
  return join(projectRoot(), 'config', 'vendor.example.json');
}

/** A loaded vendor configuration and the file it came from. */
export interface LoadedVendorConfig {
  config: VendorConfig;
  path: string;
}

/** The vendor configuration file: the one `VENDOR_CONFIG` names, else the repository's example. */
export function vendorConfigPathFromEnv(env: Env): string {
  const named = setting(env, 'VENDOR_CONFIG');
  return named ? resolve(named) : exampleVendorConfigPath();
}

/**
 * Reads the vendor configuration file at `path` (see {@link vendorConfigPathFromEnv}). `sla.calendar` may be the
 * calendar itself or the path of a calendar JSON file, relative to the configuration file. Throws an {@link AppError}
 * listing every problem, so start-up stops with all of them at once.
 */
export function readVendorConfigFile(path: string): LoadedVendorConfig {
  const fail = (problems: string[]) => {
    throw new AppError('invalid_config', `The vendor configuration ${path} (VENDOR_CONFIG) is invalid:`, problems);
  };
  const raw = readJson(path);
  if ('error' in raw) return fail([raw.error]);
  const document = raw.value as { sla?: { calendar?: unknown } } | null;
  const calendarRef = document?.sla?.calendar;
  if (typeof calendarRef === 'string' && document?.sla) {
    const calendarPath = resolve(dirname(path), calendarRef);
    const calendar = readJson(calendarPath);
    if ('error' in calendar) return fail([`sla.calendar: ${calendar.error}`]);
    document.sla.calendar = calendar.value;
  }
  const parsed = parseVendorConfig(document);
  if (!parsed.ok) return fail(parsed.problems.map((p: Problem) => formatProblem(p)));
  return { config: parsed.config, path };
}

function readJson(path: string): { value: unknown } | { error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { error: `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (err) {
    return { error: `${path} is not valid JSON: ${(err as Error).message}` };
  }
}
