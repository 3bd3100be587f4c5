import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { machines } from '../../src/machines';
import { toMermaid } from '../../src/machines/mermaid';
import { repoRoot } from '../helpers/processes';

const run = promisify(execFile);
/** Runs the generator's check in a child process (Prettier cannot be loaded inside jest's module sandbox). */
const check = (...args: string[]) =>
  run(process.execPath, [require.resolve('tsx/cli'), 'scripts/machines-doc.ts', '--check', ...args], { cwd: repoRoot });

describe('docs/machines.md', () => {
  it('is what `npm run docs:machines` generates from the machines (run it after changing a machine)', async () => {
    await expect(check()).resolves.toMatchObject({ stderr: '' });
  });

  it('is reported stale when it differs from the machines', async () => {
    const copy = join(mkdtempSync(join(tmpdir(), 'doc-')), 'machines.md');
    copyFileSync(join(repoRoot, 'docs', 'machines.md'), copy);
    writeFileSync(
      copy,
      readFileSync(copy, 'utf8').replace('allowlisting --> awaitingEndpoint', 'allowlisting --> enabled'),
    );
    await expect(check(copy)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'is stale: it does not show the machines in src/machines. Run `npm run docs:machines`',
      ),
    });
  });

  it('draws every state and every transition, guards included, of both machines', () => {
    const bidirectional = toMermaid(machines.bidirectional);
    for (const state of Object.keys(machines.bidirectional.root.states)) expect(bidirectional).toContain(state);
    expect(bidirectional).toContain(
      'verifyingConnection --> creatingVendorEndpoint: connection.verified [principalAccessDeclaredAtIntake]',
    );
    expect(bidirectional).toContain('verifyingConnection --> awaitingPrincipalGrant: connection.verified');
    expect(bidirectional).toContain('creatingVendorEndpoint --> awaitingPrincipalGrant: vendor_endpoint.failed');
    expect(bidirectional).toContain('validatingIntake --> rejected: [intakeIneligible]');
    expect(bidirectional).toContain(
      'From every open state<br/>request.cancelled → cancelled<br/>note.added (no transition)',
    );
    const unidirectional = toMermaid(machines.unidirectional);
    expect(unidirectional).toContain('verifyingConnection --> enabled: connection.verified');
    expect(unidirectional).not.toContain('awaitingPrincipalGrant');
  });
});
