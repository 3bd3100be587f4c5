import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentVariableNames, environmentVariables } from '../../src/config/variables';
import { changeKinds, eventFields, eventTypes } from '../../src/domain/events';
import { changeKeys, changeKindSpellings } from '../../src/webhooks/change';
import { intakeKeys } from '../../src/webhooks/description';
import { buildTestApi } from '../helpers/api';
import { repoRoot } from '../helpers/processes';
import type { TemporalTestContext } from '../helpers/temporal';
import { intakeFieldPaths } from '../../src/domain/intake';
import { cloudModules } from '../../src/domain/clouds';
import { codeSpans, readDoc, section, tableRows } from './markdown';

/** The docs pages that describe what the code defines are held to the code: a drift either way fails. */
describe('docs/configuration.md', () => {
  const page = readDoc('docs/configuration.md');
  const variableRows = tableRows(section(page, '## Environment variables'));
  const documented = variableRows.map(
    ([name]) => /^`([A-Z][A-Z0-9_]*)`$/.exec(name ?? '')?.[1] ?? `(not a variable: ${name})`,
  );

  it('documents each variable of src/config/variables.ts once, and no other', () => {
    expect([...documented].sort()).toEqual([...environmentVariableNames].sort());
    expect(environmentVariableNames.length).toBeGreaterThan(40);
  });

  it('gives each variable the default of src/config/variables.ts', () => {
    const defaults = Object.fromEntries(variableRows.map((row) => [row[0]!.replace(/`/g, ''), row[1]]));
    for (const v of environmentVariables) {
      expect({ name: v.name, default: defaults[v.name] }).toEqual({
        name: v.name,
        default: v.default === undefined ? '—' : `\`${v.default}\``,
      });
    }
  });

  it('names in its tables only variables of src/config/variables.ts', () => {
    const named = tableRows(page)
      .flatMap((row) => row.flatMap(codeSpans))
      .filter((span) => /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$/.test(span));
    expect(named.length).toBeGreaterThan(40);
    expect([...new Set(named)].filter((name) => !environmentVariableNames.includes(name))).toEqual([]);
  });

  it('documents every setting the product code names (the API, webhooks, ticket adapters, plctl, runtime, binaries)', () => {
    const sourceFiles = (dir: string): string[] =>
      readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith('.ts'))
        .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
    const code = ['src', 'activities', 'workflows'].flatMap(sourceFiles).join('\n');
    const prefixes =
      'OIDC|AUTH|TICKET|ZENDESK|JIRA|PLCTL|NOTIFY|CONNECTIVITY|TEMPORAL|PRIVATELINK|VENDOR|DATA|LOG|METRICS|HEALTH|WORKER';
    const named = new Set([...code.matchAll(new RegExp(`\\b((?:${prefixes})_[A-Z0-9_]+)\\b`, 'g'))].map((m) => m[1]!));
    // Constants of the code that look like settings (header names, patterns) are not read from the environment.
    const constants = new Set(
      [...code.matchAll(/\b(?:const|let|var|enum|class|type|interface|function)\s+([A-Z][A-Z0-9_]+)\b/g)].map(
        (m) => m[1]!,
      ),
    );
    const read = [...named].filter((name) => !constants.has(name));
    expect(read.length).toBeGreaterThan(15);
    expect(read.filter((name) => !documented.includes(name))).toEqual([]);
  });
});

describe('docs/intake-and-events.md', () => {
  const page = readDoc('docs/intake-and-events.md');
  const events = section(page, '## Events');
  const rows = new Map(tableRows(events).map(([type, ...rest]) => [type!.replace(/`/g, ''), rest]));

  it('lists every event type of the vocabulary, and no other', () => {
    expect([...rows.keys()].sort()).toEqual([...eventTypes].sort());
  });

  it("gives each event's payload fields, exactly those the event accepts besides eventId and comment", () => {
    expect(events).toContain('`eventId`');
    expect(events).toContain('`comment`');
    for (const type of eventTypes) {
      const payload = rows.get(type)?.[1] ?? '';
      const named = codeSpans(payload).filter((span) => /^[a-z][A-Za-z]*$/.test(span));
      const fields = eventFields(type).filter((f) => f !== 'eventId' && f !== 'comment');
      expect({ type, fields: [...new Set(named)].sort() }).toEqual({ type, fields: [...fields].sort() });
    }
  });

  it('describes every intake field the API accepts', () => {
    const intake = tableRows(section(page, '## Intake')).map(([field]) => field!.replace(/`/g, ''));
    for (const field of intakeFieldPaths) {
      expect(intake).toContain(field);
    }
  });
});

describe('docs/clouds.md', () => {
  const page = readDoc('docs/clouds.md');

  it.each(Object.values(cloudModules).map((m) => [m.name, m] as const))(
    "has a section for %s naming its module and citing the seeds its module's source names",
    (name, module) => {
      const text = section(page, `## ${name}`);
      expect(text).toContain(`src/domain/clouds/${module.id}.ts`);
      for (const seed of module.source.match(/\b\d{3}\b/g) ?? []) expect(text).toContain(seed);
    },
  );
});

describe('docs/webhooks.md', () => {
  /** The table of description keys is what the parser accepts: a key documented but refused, or accepted but undocumented, fails. */
  it('lists exactly the description keys the ticket parsers accept', () => {
    const table = /<!-- description-keys:start -->([\s\S]*?)<!-- description-keys:end -->/.exec(
      readDoc('docs/webhooks.md'),
    )?.[1];
    expect(table).toBeDefined();
    const documented = table!
      .split('\n')
      .filter((line) => /^\|\s*`/.test(line))
      .map((line) => {
        const [, field, labels] = line.split('|').map((c) => c.trim());
        return { field: field!.replace(/`/g, ''), labels: labels!.split(',').map((l) => l.trim()) };
      });
    expect(documented).toEqual(intakeKeys.map((k) => ({ field: k.field, labels: [...k.labels] })));
  });

  /** The change ticket tables, held to the change parser the same way: its keys, and the ways of naming a change. */
  it('lists exactly the change ticket keys and the kinds of change the ticket parsers accept', () => {
    const rows = (marker: string) => {
      const table = new RegExp(`<!-- ${marker}:start -->([\\s\\S]*?)<!-- ${marker}:end -->`).exec(
        readDoc('docs/webhooks.md'),
      )?.[1];
      expect(table).toBeDefined();
      return table!
        .split('\n')
        .filter((line) => /^\|\s*`/.test(line))
        .map((line) => {
          const [, name, values] = line.split('|').map((c) => c.trim());
          return { name: name!.replace(/`/g, ''), values: values!.split(',').map((l) => l.trim()) };
        });
    };
    expect(rows('change-keys')).toEqual(changeKeys.map((k) => ({ name: k.field, values: [...k.labels] })));
    expect(rows('change-kinds')).toEqual(
      changeKinds.map((kind) => ({ name: kind, values: [...changeKindSpellings[kind]] })),
    );
  });
});

describe('docs/api.md, docs/webhooks.md and docs/console.md', () => {
  it('name every route the API serves, with its method', async () => {
    // The API as the tests build it, over a client that is never called: only its routes are read.
    const app = buildTestApi({ client: {}, taskQueue: 'docs' } as unknown as TemporalTestContext);
    const routes: string[] = [];
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
    });
    await app.ready();
    await app.close();
    expect(routes).toEqual(
      expect.arrayContaining(['POST /api/requests', 'POST /api/requests/:ticketId/events', 'POST /webhooks/jira']),
    );
    const docs = readDoc('docs/api.md') + readDoc('docs/webhooks.md') + readDoc('docs/console.md');
    expect(routes.filter((route) => !docs.includes(`\`${route}\``))).toEqual([]);
  });
});

describe('docs/mutation-survivors.md', () => {
  it('says how many mutants survive in the recorded mutation run and names every file they are in', () => {
    const recorded = JSON.parse(readFileSync(join(repoRoot, 'reports/stryker-incremental.json'), 'utf8')) as {
      files: Record<string, { mutants: { status: string }[] }>;
    };
    const survivors = Object.entries(recorded.files).flatMap(([file, { mutants }]) =>
      mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage').map(() => file),
    );
    const page = readDoc('docs/mutation-survivors.md');
    expect(page).toContain(`${survivors.length} mutants survive`);
    expect([...new Set(survivors)].filter((file) => !page.includes(`\`${file}\``))).toEqual([]);
  });
});
