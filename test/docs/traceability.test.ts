/**
 * docs/traceability.md maps each statement of the vendor's document to what implements it. These tests keep it in step
 * with the code: a renamed state, event, field or template, a deleted test file, or a new step nobody traced fails.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { changeKinds, eventFields, eventTypes } from '../../src/domain/events';
import { intakeFieldPaths } from '../../src/domain/intake';
import { machines, templates } from '../../src/machines';
import { changeMachines } from '../../src/machines/changes/host';
import { exampleVendorConfig } from '../fixtures/requests';
import { repoRoot } from '../helpers/processes';
import { codeSpans, readDoc, tableRows } from './markdown';

const page = readDoc('docs/traceability.md');
const rows = tableRows(page).filter((cells) => cells.length === 4);

/** Every state of the enablement machines and of the change machines. */
const states = new Set(
  [...Object.values(machines), ...Object.values(changeMachines)].flatMap((m) => Object.keys(m.root.states)),
);
const templateIds = new Set(Object.keys(templates));
const eventPayloadFields = new Set(eventTypes.flatMap((type) => eventFields(type)));
/** A vendor configuration setting, as a dotted path into the example configuration. */
const isVendorSetting = (path: string) => {
  let node: unknown = exampleVendorConfig();
  for (const key of path.split('.')) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
};
const isProductName = (name: string) =>
  states.has(name) ||
  templateIds.has(name) ||
  (eventTypes as string[]).includes(name) ||
  (changeKinds as readonly string[]).includes(name) ||
  intakeFieldPaths.includes(name) ||
  eventPayloadFields.has(name) ||
  isVendorSetting(name);

describe('docs/traceability.md', () => {
  it('traces every section of the document, with a table row per statement', () => {
    expect(rows.length).toBeGreaterThanOrEqual(40);
    for (const heading of [
      '## Features, support and limitations',
      '## Request PrivateLink enablement',
      '## Enablement workflow',
      '## Test VPC endpoint service connection',
      '## Change PrivateLink configuration',
      '## Set up for bidirectional PrivateLink connections',
    ]) {
      expect(page.split('\n')).toContain(heading);
    }
  });

  it("names only the product's own states, events, fields, comment templates and settings", () => {
    const unknown = rows.flatMap(([statement, , implemented]) =>
      codeSpans(implemented!)
        .filter((name) => !isProductName(name))
        .map((name) => `${name} (in "${statement!.slice(0, 60)}")`),
    );
    expect(unknown).toEqual([]);
  });

  it('names test files that exist', () => {
    const missing = rows
      .flatMap(([, , , tests]) => codeSpans(tests!))
      .filter((file) => !existsSync(join(repoRoot, file)));
    expect(missing).toEqual([]);
    expect(rows.every(([, , , tests]) => codeSpans(tests!).length > 0)).toBe(true);
  });

  it('traces every state, event type and ticket comment of the product (or says it goes beyond the document)', () => {
    const named = new Set(codeSpans(page));
    const untraced = [...states, ...eventTypes, ...templateIds].filter((name) => !named.has(name));
    expect(untraced).toEqual([]);
  });
});
