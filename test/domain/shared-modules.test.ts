import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sharedWorkflowModules } from '../../src/worker';

/**
 * The worker loads the domain rules and the state machines once per thread and shares them between workflows
 * (`workflowBundlerOptions` in src/worker.ts), and so are the workflow's own helper modules (`sharedWorkflowModules`). The SDK freezes everything such a module exports, and a frozen zod
 * schema breaks on its first use (zod fills in parts of a schema lazily), failing every workflow task that reaches it.
 * So these modules keep their schemas to themselves and export functions and plain data.
 */
const sharedDirs = ['src/domain', 'src/machines', 'src/sla'];
const root = join(__dirname, '..', '..');

function schemasIn(value: unknown, path: string, seen = new Set<unknown>()): string[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  if ('_zod' in value) return [path];
  return Object.getOwnPropertyNames(value).flatMap((key) =>
    schemasIn((value as Record<string, unknown>)[key], `${path}.${key}`, seen),
  );
}

describe('modules shared between workflows', () => {
  const files = [
    ...sharedDirs.flatMap((dir) =>
      readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `${dir}/${f}`),
    ),
    ...sharedWorkflowModules.map((path) => `${relative(root, join(root, 'src', path))}.ts`),
  ];

  it.each(files)('%s exports no zod schema, not even inside an exported object', async (file) => {
    const exports = (await import(join(root, file))) as Record<string, unknown>;
    const found = Object.keys(exports).flatMap((name) => schemasIn(exports[name], name));
    expect(found).toEqual([]);
  });

  it('finds one when a module exports it (the check itself works)', async () => {
    const { z } = await import('zod');
    expect(schemasIn({ nested: { schema: z.string() } }, 'example')).toEqual(['example.nested.schema']);
  });
});
