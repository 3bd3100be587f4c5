/**
 * Writes docs/machines.md from the machine definitions: `npm run docs:machines`. With `--check [file]` it only
 * compares and exits 1 when the file is stale; a test runs that, so the diagrams always show the machines that run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { eventTypes } from '../src/domain/events';
import { machines } from '../src/machines';
import { changeMachines } from '../src/machines/changes/host';
import { guardName, toMermaid } from '../src/machines/mermaid';

export const machinesDocPath = join(__dirname, '..', 'docs', 'machines.md');

/** A change's request status: `enabled` while it is open and after it, `removed` after its `removed` end. */
const changeStatus = (state: AnyStateNode) => (state.key === 'removed' ? 'removed' : 'enabled');
/** An enablement state's request status (`enabled` is the connection's record, state `active`). */
const enablementStatus = (state: AnyStateNode) =>
  state.type === 'final' ? state.key : state.tags.includes('intake') ? 'awaiting_information' : 'in_progress';

function stateTable(machine: AnyStateMachine, statusOf: (state: AnyStateNode) => string): string {
  const rows = (Object.values(machine.root.states) as AnyStateNode[]).map((state) => {
    const waitsOn = state.type === 'final' ? '—' : state.tags.includes('customer') ? 'customer' : 'vendor';
    const status = statusOf(state);
    const events = eventTypes
      .filter((type) => state.ownEvents.includes(type))
      .map((type) => `\`${type}\``)
      .join(', ');
    const always = state.always ?? [];
    // A state that also moves on by itself names the guard that makes it (remove: `noAccountsToRevoke`, reverse).
    const guards = always.map((t) => guardName(t.guard)).filter(Boolean);
    const accepts = !always.length
      ? events || '—'
      : events
        ? `${events}; moves on at once when ${guards.map((g) => `\`${g}\``).join(', ')}`
        : '(decides at once)';
    return `| \`${state.key}\` | ${waitsOn} | ${status} | ${accepts} | ${state.description ?? ''} |`;
  });
  return ['| state | waits on | status | accepts | what happens |', '| --- | --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}

/** The whole document, formatted as Prettier formats the rest of the repository. */
export async function machinesDocument(): Promise<string> {
  const options = (await resolveConfig(machinesDocPath)) ?? {};
  return format(rawDocument(), { ...options, parser: 'markdown' });
}

function rawDocument(): string {
  const sections = Object.entries(machines).map(
    ([type, machine]) => `## ${type[0]!.toUpperCase()}${type.slice(1)}

\`\`\`mermaid
${toMermaid(machine)}
\`\`\`

${stateTable(machine, enablementStatus)}
`,
  );
  const changes = Object.entries(changeMachines).map(
    ([kind, machine]) => `### \`${kind}\`

\`\`\`mermaid
${toMermaid(machine)}
\`\`\`

${stateTable(machine, changeStatus)}
`,
  );
  return `# Enablement state machines

Generated from \`src/machines\` by \`npm run docs:machines\`; do not edit by hand (a test fails when this file is
stale). Blue states wait on the vendor, yellow ones on the customer, grey ones are final. State names are the
\`PrivateLinkState\` search attribute; the events and their fields are in [intake-and-events.md](intake-and-events.md),
the process in words in [process.md](process.md). Guards are shown in brackets.

The three machines share the intake leg; the unidirectional and bidirectional machines share the forward leg; the
bidirectional machine adds the reverse leg, and the reverse machine (seed 002: the vendor only consumes the customer's
service) runs the reverse leg alone. The clouds share the machines: what differs between them (formats, words, an
Alibaba Cloud service that accepts connections by itself) is in each cloud's module ([clouds.md](clouds.md)). While a
request is still in intake, a ticket update that changes the connection type moves it to that type's machine. Reaching
\`enabled\` does not end the request: it stays open as the connection's record (status \`enabled\`, state \`active\`)
and takes changes, each on the machines below ([lifecycle.md](lifecycle.md)).

${sections.join('\n')}
## Changes after enablement

One machine per kind of \`change.requested\`; one change is open at a time. The change's state is the state view's
\`change.state\`; the request's state stays \`active\` (status \`enabled\`) while it is open, and whom it waits on is the
change's. \`done\` and \`cancelled\` return the connection to \`active\`; \`removed\` ends the request. Notes are taken in
every open state by the host and are not drawn.

${changes.join('\n')}`;
}

async function main(args: string[]): Promise<number> {
  const text = await machinesDocument();
  if (args[0] === '--check') {
    const file = args[1] ?? machinesDocPath;
    if (readFileSync(file, 'utf8') === text) return 0;
    process.stderr.write(
      `${file} is stale: it does not show the machines in src/machines. Run \`npm run docs:machines\`.\n`,
    );
    return 1;
  }
  writeFileSync(machinesDocPath, text);
  process.stdout.write(`wrote ${machinesDocPath}\n`);
  return 0;
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
