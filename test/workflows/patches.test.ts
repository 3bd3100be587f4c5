import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PatchRecord, patches } from '../../workflows/patches';
import { repoRoot } from '../helpers/processes';

type Registry = Record<string, PatchRecord>;

const PATCH_CALL = /\b(patched|deprecatePatch)\s*\(\s*([^)]*?)\s*\)/g;

/**
 * What is wrong with the patch calls in some workflow sources against a registry: a call whose id is not a registered
 * `patches.<name>.id`, a call that does not match the patch's stage, a registered patch no code uses, and a registered
 * patch with no recorded replay history (`historyTexts`: the decoded history files).
 */
function patchFindings(
  sources: { file: string; text: string }[],
  registry: Registry,
  historyTexts: string[],
): string[] {
  const findings: string[] = [];
  const used = new Set<string>();
  for (const { file, text } of sources) {
    // Comments may name the calls; only code counts.
    const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
    for (const m of code.matchAll(PATCH_CALL)) {
      const [, fn, arg] = m;
      const name = /^patches\.(\w+)\.id$/.exec(arg!)?.[1];
      const patch = name === undefined ? undefined : registry[name];
      if (!patch) {
        findings.push(`${file}: ${fn}(${arg}) does not name a patch registered in workflows/patches.ts`);
        continue;
      }
      used.add(name!);
      const stage = fn === 'patched' ? 'patched' : 'deprecated';
      if (patch.stage !== stage) findings.push(`${file}: ${fn}(${arg}) but the registry says ${patch.stage}`);
    }
  }
  for (const [name, patch] of Object.entries(registry)) {
    if (!used.has(name)) findings.push(`patch ${name} is registered but no workflow code uses it: remove it`);
    if (!(patch.since <= patch.deprecateAfter && patch.deprecateAfter <= patch.removeAfter)) {
      findings.push(`patch ${name}: since <= deprecateAfter <= removeAfter must hold`);
    }
    if (!historyTexts.some((h) => h.includes(patch.id))) {
      findings.push(`patch ${name}: no replay history records it (npm run replay:record)`);
    }
  }
  return findings;
}

/** The workflow sources, and the replay histories with every payload decoded (patch markers are payloads). */
function workflowSources() {
  const dir = join(repoRoot, 'workflows');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: `workflows/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
}

function decodedHistories(): string[] {
  const dir = join(repoRoot, 'test/replay/histories');
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const raw = readFileSync(join(dir, f), 'utf8');
      const decoded = [...raw.matchAll(/"data":\s*"([A-Za-z0-9+/=]+)"/g)].map((m) =>
        Buffer.from(m[1]!, 'base64').toString('utf8'),
      );
      return [raw, ...decoded].join('\n');
    });
}

describe('patch registry (docs/versioning.md)', () => {
  it('every patch call in workflow code names a registered patch at its stage, and every registered patch is used and recorded', () => {
    expect(patchFindings(workflowSources(), patches as Registry, decodedHistories())).toEqual([]);
  });

  it('catches an unregistered patch, a stage mismatch, an unused entry and a patch with no history', () => {
    const registry: Registry = {
      kept: {
        id: 'kept-change',
        change: 'x',
        since: '2027-01-01',
        deprecateAfter: '2027-03-01',
        removeAfter: '2027-06-01',
        stage: 'patched',
      },
      unused: {
        id: 'unused-change',
        change: 'y',
        since: '2027-01-01',
        deprecateAfter: '2027-03-01',
        removeAfter: '2027-06-01',
        stage: 'patched',
      },
    };
    // Built from parts, so a search of the repository for leftover patch calls does not find this sample.
    const call = (fn: string, arg: string) => `${fn}${'('}${arg})`;
    const sources = [
      {
        file: 'workflows/a.ts',
        text: `// ${call('patched', 'patches.unused.id')} in a comment\nif (${call('patched', "'typed-inline'")}) {}\nif (${call('deprecatePatch', 'patches.kept.id')}) {}`,
      },
    ];
    expect(patchFindings(sources, registry, ['... kept-change ...'])).toEqual([
      `workflows/a.ts: ${call('patched', "'typed-inline'")} does not name a patch registered in workflows/patches.ts`,
      'workflows/a.ts: deprecatePatch(patches.kept.id) but the registry says patched',
      'patch unused is registered but no workflow code uses it: remove it',
      'patch unused: no replay history records it (npm run replay:record)',
    ]);
  });
});
