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
import { toMermaid } from '../src/machines/mermaid';

export const machinesDocPath = join(__dirname, '..', 'docs', 'machines.md');

function stateTable(machine: AnyStateMachine): string {
  const rows = (Object.values(machine.root.states) as AnyStateNode[]).map((state) => {
    const waitsOn = state.type === 'final' ? '—' : state.tags.includes('customer') ? 'customer' : 'vendor';
    const status =
      state.type === 'final' ? state.key : state.tags.includes('intake') ? 'awaiting_information' : 'in_progress';
    const accepts = (state.always ?? []).length
      ? '(decides at once)'
      : eventTypes
          .filter((type) => state.ownEvents.includes(type))
          .map((type) => `\`${type}\``)
          .join(', ') || '—';
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

${stateTable(machine)}
`,
  );
  return `# Enablement state machines

Generated from \`src/machines\` by \`npm run docs:machines\`; do not edit by hand (a test fails when this file is
stale). Blue states wait on the vendor, yellow ones on the customer, grey ones are final. State names are the
\`PrivateLinkState\` search attribute; the events and their fields are in [intake-and-events.md](intake-and-events.md),
the process in words in [process.md](process.md). Guards are shown in brackets.

Both machines share the intake leg and the forward leg; the bidirectional machine adds the reverse leg. While a
request is still in intake, a ticket update that changes the connection type moves it to the other machine.

${sections.join('\n')}`;
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
