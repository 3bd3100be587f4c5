import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildCli } from '../../src/cli/index';
import { repoRoot } from '../helpers/processes';
import { codeSpans, readDoc, tableRows } from '../docs/markdown';

const run = promisify(execFile);
const plctl = (...args: string[]) =>
  run(process.execPath, [join(repoRoot, 'bin', 'plctl.js'), ...args], { cwd: repoRoot });

describe('plctl', () => {
  it('prints the product version', async () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect((await plctl('--version')).stdout.trim()).toBe(version);
  });

  it('binaries --json says where the Temporal CLI and test server are and where they came from', async () => {
    const { stdout } = await plctl('binaries', '--json');
    expect(JSON.parse(stdout)).toEqual({
      temporalCli: { path: process.env.TEMPORAL_CLI_PATH, source: 'TEMPORAL_CLI_PATH' },
      testServer: { path: process.env.TEMPORAL_TEST_SERVER_PATH, source: 'TEMPORAL_TEST_SERVER_PATH' },
    });
  });

  it('stops quietly when the reader of its output goes away (plctl … | head)', async () => {
    const { stdout, stderr } = await run(
      'bash',
      [
        '-c',
        `set -o pipefail; "${process.execPath}" bin/plctl.js sla deadline --submitted 2026-11-02T15:00:00Z | true; echo "exit $?"`,
      ],
      { cwd: repoRoot },
    );
    expect(stdout.trim()).toBe('exit 0');
    expect(stderr).not.toContain('EPIPE');
  });

  it('event --help lists every event type with its fields, the optional ones in brackets', async () => {
    const { stdout } = await plctl('event', '--help');
    expect(stdout).toMatch(/vendor_endpoint\.created +--endpoint-id <value> --endpoint-dns <value>\n/);
    expect(stdout).toMatch(/customer_access\.granted +\[--vendor-service-name <value>\]/);
    expect(stdout).toMatch(/principal\.granted +\[--customer-service-name <value>\]/);
    expect(stdout).toMatch(/connection\.approved +\(no fields\)/);
  });

  it('--help lists every command, and docs/plctl.md documents each in its table and its examples', async () => {
    const commands = buildCli().commands.map((c) => c.name());
    expect(commands).toEqual(expect.arrayContaining(['change', 'connections']));
    const { stdout } = await plctl('--help');
    for (const name of commands) expect(stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    const page = readDoc('docs/plctl.md');
    const documented = tableRows(page).flatMap(([first]) => codeSpans(first ?? '').map((span) => span.split(' ')[0]));
    const examples = /```sh\n([\s\S]*?)```/.exec(page)?.[1] ?? '';
    expect(commands.filter((name) => !documented.includes(name))).toEqual([]);
    expect(commands.filter((name) => name !== 'binaries' && !examples.includes(`plctl ${name} `))).toEqual([]);
  });

  it('event --help sends change.requested to plctl change, whose help lists each kind with its flags', async () => {
    expect((await plctl('event', '--help')).stdout).toMatch(/change\.requested +use plctl change/);
    const { stdout } = await plctl('change', '--help');
    expect(stdout).toMatch(/change_account +--account <id>\n/);
    expect(stdout).toMatch(/add_service +--service <name> \[--services <list>\]\n/);
    expect(stdout).toMatch(/troubleshoot +\[--details <text>\]\n/);
    expect((await plctl('connections', '--help')).stdout).toContain('--page-token <token>');
  });

  it('exits non-zero with help on an unknown command', async () => {
    await expect(plctl('frobnicate')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("unknown command 'frobnicate'") as unknown,
    });
  });

  describe('sla deadline (no server needed)', () => {
    const calendarFile = join(mkdtempSync(join(tmpdir(), 'cal-')), 'calendar.json');
    writeFileSync(
      calendarFile,
      JSON.stringify({
        timeZone: 'America/New_York',
        week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]])),
        holidays: ['2026-11-26'],
        slaBusinessHours: 40,
      }),
    );
    const deadlineOf = async (...args: string[]) =>
      (JSON.parse((await plctl('sla', 'deadline', '--json', ...args)).stdout) as { deadline: string }).deadline;

    it.each([
      ['2026-11-02T15:00:00Z', '2026-11-09T15:00:00.000Z'],
      ['2026-11-02T14:00:00Z', '2026-11-06T22:00:00.000Z'],
      ['2026-11-07T16:00:00Z', '2026-11-13T22:00:00.000Z'],
    ])('a ticket submitted %s is due %s', async (submitted, due) => {
      expect(await deadlineOf('--submitted', submitted, '--calendar', calendarFile)).toBe(due);
    });

    it('uses the vendor configuration calendar by default, and counts pauses', async () => {
      expect(await deadlineOf('--submitted', '2026-11-02T15:00:00Z')).toBe('2026-11-09T15:00:00.000Z');
      expect(
        await deadlineOf('--submitted', '2026-11-02T15:00:00Z', '--pause', '2026-11-03T14:00:00Z/2026-11-04T14:00:00Z'),
      ).toBe('2026-11-10T15:00:00.000Z');
    });

    it('prints the deadline in the calendar zone and the windows counted', async () => {
      const { stdout } = await plctl(
        'sla',
        'deadline',
        '--submitted',
        '2026-11-23T15:00:00Z',
        '--calendar',
        calendarFile,
      );
      expect(stdout).toContain('Deadline   Tue 2026-12-01 10:00 America/New_York  (2026-12-01T15:00:00.000Z)');
      expect(stdout).not.toContain('2026-11-26');
    });

    it.each([
      [['--submitted', 'next monday'], '--submitted must be an ISO 8601 date-time with a zone'],
      [['--submitted', '2026-11-02T15:00:00Z', '--pause', '2026-11-03T14:00:00Z'], '--pause must be <ISO>/<ISO>'],
      [
        ['--submitted', '2026-11-02T15:00:00Z', '--pause', '2026-11-04T14:00:00Z/2026-11-03T14:00:00Z'],
        '--pause ends before it starts',
      ],
      [
        ['--submitted', '2026-11-02T15:00:00Z', '--calendar', '/nonexistent.json'],
        'Cannot read the calendar /nonexistent.json',
      ],
      [[], "required option '--submitted <ISO>' not specified"],
    ])('refuses %j with a clear message', async (args, message) => {
      await expect(plctl('sla', 'deadline', ...args)).rejects.toMatchObject({
        code: 1,
        stderr: expect.stringContaining(message),
      });
    });
  });
});
