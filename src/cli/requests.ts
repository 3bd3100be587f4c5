/**
 * `plctl start | status | list | event`: the HTTP API from a terminal. Human-readable by default, `--json`
 * for scripts; errors exit non-zero with the API's own message.
 */
import { clouds } from '../domain/formats';
import { connectionTypes } from '../domain/intake';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { eventTypes, isEventType, payloadFields, unknownEventTypeProblem } from '../domain/events';
import { AppError } from '../errors';
import { checkPortsSummary } from '../domain/connectivity-check';
import type { AuditEntry, ConnectivityCheckView, EventOutcome, StateSummary, StateView } from '../temporal/messages';
import type { CliConfig } from '../config/cli';
import { getJson } from './api-client';
import type { ListFilters, RequestPage } from '../temporal/visibility';
import { printable, table } from './table';

/** Human output: anything a ticket or a caller wrote is printed without control characters (no terminal escapes). */
export const out = (text: string): void => {
  const clean = printable(text);
  process.stdout.write(clean.endsWith('\n') ? clean : `${clean}\n`);
};
export const printJson = (value: unknown) => out(JSON.stringify(value, null, 2));

/**
 * The command that fetches the next page: the same filters and the page token (a token is good only for the query it
 * came from). `flags` are the command's filters as given (`true` for a flag without a value), in order.
 */
export function nextPageCommand(
  command: string,
  flags: readonly (readonly [flag: string, value: string | true | undefined])[],
  token: string,
): string {
  const quote = (v: string) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const given = flags.flatMap(([flag, value]) =>
    value === undefined ? [] : value === true ? [flag] : [`${flag} ${quote(value)}`],
  );
  return ['plctl', command, ...given, '--page-token', token].join(' ');
}

function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError(
      'bad_request',
      `Cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AppError('bad_request', `${what} ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * An instant as plctl prints every time: UTC, to the minute (or second), with the zone named, e.g.
 * `2026-11-09 15:00 UTC`. Anything that is not an instant is shown as given.
 */
export function utc(instant: string | null | undefined, seconds = false): string {
  if (!instant) return '';
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return instant;
  return `${new Date(ms)
    .toISOString()
    .slice(0, seconds ? 19 : 16)
    .replace('T', ' ')} UTC`;
}

/**
 * The SLA in one line: how it stands while the request is open, and how it ended once it has (met or breached, when,
 * and the business hours used). The deadline is in UTC like every time plctl prints, and in the business calendar's
 * zone, where the SLA's hours are counted.
 */
function slaLine(status: StateSummary['status'], sla: NonNullable<StateSummary['sla']>, endedAt?: string): string {
  const local = sla.deadlineLocal ? ` (${sla.deadlineLocal})` : '';
  const due = sla.deadline ? `due ${utc(sla.deadline)}${local}` : 'due (paused)';
  endedAt = sla.stoppedAt ?? endedAt;
  if (status === 'enabled' || status === 'rejected' || status === 'cancelled' || status === 'removed') {
    const outcome = sla.breached
      ? `BREACHED at ${utc(sla.breachedAt)}`
      : status === 'enabled'
        ? `met${endedAt ? ` at ${utc(endedAt)}` : ''}`
        : `stopped (${status})${endedAt ? ` at ${utc(endedAt)}` : ''}`;
    return `${outcome}; was ${due}; ${sla.usedHours} of ${sla.targetHours} business hours used`;
  }
  const state = sla.breached ? `BREACHED at ${utc(sla.breachedAt)}` : sla.paused ? 'paused' : 'running';
  return `${state}; ${due}; ${sla.leftHours} of ${sla.targetHours} business hours left`;
}

/** The connection as it stands: who can connect since when on whose approval, the ports, the customer's services. */
function connectionLines(c: NonNullable<StateSummary['connection']>): string[] {
  const who = c.accounts.length
    ? c.accounts.map((a) => `${a.account} since ${utc(a.since)}${a.approvedBy ? `, approved by ${a.approvedBy}` : ''}`)
    : ['(no account can connect)'];
  return [
    `Connection    enabled ${utc(c.since)}; ${c.cloud} ${c.region}; account ${c.customerAccount}`,
    ...who.map((line) => `  can connect ${line}`),
    ...(c.services.length ? [`  ports       ${c.services.map((s) => `${s.name} ${s.port}`).join(', ')}`] : []),
    ...c.reverseServices.map((r) => `  we reach    ${r.service} through ${r.endpointId} since ${utc(r.since)}`),
  ];
}

/** The product's latest connectivity check in one line: passed or FAILED, when, and each port's outcome. */
function checkLine(check: ConnectivityCheckView): string {
  return `${check.ok ? 'passed' : 'FAILED'} at ${utc(check.at, true)}: ${check.target} ${checkPortsSummary(check.ports)}`;
}

/** A state view (status), or the answer to a start or an event (with the one event it recorded), for people. */
export function formatView(
  v: StateSummary &
    Partial<Pick<StateView, 'events' | 'eventCount' | 'stopped' | 'connectivityCheck'>> & { event?: AuditEntry },
): string {
  const sla = v.sla;
  const lines = [
    `Ticket        ${v.ticketId}${v.company ? `  (${v.company})` : ''}`,
    `Path          ${v.cloud ?? '?'} ${v.connectionType}`,
    `Status        ${v.status}, in ${v.state}, waiting on ${v.waitingOn}`,
    ...(v.assignee ? [`Assignee      ${v.assignee}`] : []),
    `Allowed now   ${v.allowedEvents.join(', ') || '(none)'}`,
  ];
  if (v.stopped) {
    lines.push(
      `STOPPED       ${v.stopped.how}${v.stopped.at ? ` at ${utc(v.stopped.at, true)}` : ''}, outside the process; this is its last state`,
    );
  }
  const last = v.event ?? v.events?.at(-1);
  if (sla) lines.push(`SLA           ${slaLine(v.status === 'removed' ? 'enabled' : v.status, sla, last?.at)}`);
  if (v.connection) lines.push(...connectionLines(v.connection));
  if (v.change) {
    lines.push(
      `Change        ${v.change.ticketId}: ${v.change.what}; in ${v.change.state}, waiting on ${v.change.waitingOn}`,
    );
    if (v.change.sla) lines.push(`Change SLA    ${slaLine('in_progress', v.change.sla)}`);
  }
  if (v.connectivityCheck) lines.push(`Our check     ${checkLine(v.connectivityCheck)}`);
  if (v.request.problems.length) {
    lines.push('Problems');
    for (const p of v.request.problems) lines.push(`  - ${p.field}: ${p.message}`);
  }
  const recent = v.events ? v.events.slice(-5) : v.event ? [v.event] : [];
  if (recent.length) {
    const count = v.eventCount;
    const all = count
      ? `${count.total} in all${count.repeats ? `, ${count.repeats} repeats dropped` : ''}; plctl history has each`
      : `${v.events?.length ?? 0} in all`;
    lines.push(v.events ? `Last events   (${all})` : 'Recorded');
    for (const e of recent) {
      lines.push(
        `  ${utc(e.at, true)}  ${e.type}  by ${e.actor}  ${e.result}${e.result === 'applied' && e.from !== e.to ? `  ${e.from} -> ${e.to}` : ''}${e.reason ? `  (${e.reason})` : ''}`,
      );
    }
  }
  return lines.join('\n');
}

/** Each event type with its fields as flags, optional ones in brackets (the help of `plctl event`). */
function eventFieldsHelp(): string {
  const flag = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  const width = Math.max(...eventTypes.map((t) => t.length));
  const lines = eventTypes.map((type) => {
    // Its `change` is an object, which --field value pairs cannot spell: `plctl change` sends it.
    if (type === 'change.requested') return `  ${type.padEnd(width)}  use plctl change (plctl change --help)`;
    const fields = payloadFields(type).map((f) =>
      f.required ? `${flag(f.name)} <value>` : `[${flag(f.name)} <value>]`,
    );
    return `  ${type.padEnd(width)}  ${fields.join(' ') || '(no fields)'}`;
  });
  return `\nEvent types and their fields (every event also takes [--event-id <key>] [--comment <text>]):\n${lines.join('\n')}\n`;
}

/** `--reason "x" --endpoint-id vpce-1` after the event type: the event's payload. Values that look like JSON are parsed. */
export function parseFieldArgs(args: readonly string[]): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const m = /^--([A-Za-z][\w-]*)(?:=(.*))?$/.exec(arg);
    if (!m) throw new AppError('bad_request', `Expected --field value, got "${arg}".`);
    const name = m[1]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    let value = m[2];
    if (value === undefined) {
      const next = args[i + 1];
      if (next === undefined || /^--[A-Za-z]/.test(next)) throw new AppError('bad_request', `--${m[1]} needs a value.`);
      value = next;
      i++;
    }
    // Values are text as typed; only `intake` (an object) takes JSON or @file.json, and an empty assignee is nobody.
    fields[name] =
      name === 'intake'
        ? intakeValue(value)
        : (name === 'assignee' || name === 'expected') && value === ''
          ? null
          : value;
  }
  return fields;
}

function intakeValue(value: string): unknown {
  if (value.startsWith('@')) return readJsonFile(value.slice(1), 'the intake file');
  try {
    return JSON.parse(value);
  } catch {
    throw new AppError('bad_request', `--intake must be a JSON object or @file.json (got ${value})`);
  }
}

/** Adds the API commands to `plctl`. */
export function addRequestCommands(program: Command, config: CliConfig): void {
  const target = () => config.api;

  program
    .command('start')
    .description('Start a request from an intake JSON file (- for stdin)')
    .argument('<intake.json>', 'intake data (docs/intake-and-events.md)')
    .option('--json', 'print the state view as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const view = await getJson<EventOutcome>(target(), 'POST', '/api/requests', readJsonFile(file, 'the intake'));
      if (opts.json) printJson(view);
      else out(`Started.\n${formatView(view)}`);
    });

  program
    .command('status')
    .description("A request's state: status, whose move, allowed events, SLA")
    .argument('<ticketId>')
    .option('--json', 'print the state view as JSON')
    .action(async (ticketId: string, opts: { json?: boolean }) => {
      const view = await getJson<StateView>(target(), 'GET', `/api/requests/${encodeURIComponent(ticketId)}`);
      if (opts.json) printJson(view);
      else out(formatView(view));
    });

  program
    .command('list')
    .description('List requests (filters map to search attributes)')
    .option('--status <status>', 'awaiting_information | in_progress | enabled | rejected | cancelled')
    .option('--waiting-on <who>', 'vendor | customer | none')
    .option('--cloud <cloud>', clouds.join(' | '))
    .option('--connection-type <type>', connectionTypes.join(' | '))
    .option('--company <name>')
    .option('--assignee <subject>', "who works on them (request.assigned); '' for the ones nobody does")
    .option('--find <id>', 'a ticket id, company, customer account or endpoint id (matched whole)')
    .option('--breached', 'only requests past their SLA deadline')
    .option('--not-breached', 'only requests within their SLA')
    .option('--page-size <n>', 'rows per page (1-200)', '50')
    .option('--page-token <token>', 'nextPageToken of the previous page')
    .option('--json', 'print the API answer as JSON')
    .action(
      async (
        opts: ListFilters & {
          find?: string;
          notBreached?: boolean;
          pageSize: string;
          pageToken?: string;
          json?: boolean;
        },
      ) => {
        const q = new URLSearchParams();
        for (const key of [
          'status',
          'waitingOn',
          'cloud',
          'connectionType',
          'company',
          'assignee',
          'pageSize',
          'pageToken',
        ] as const) {
          const value = opts[key];
          if (value !== undefined) q.set(key, value);
        }
        if (opts.find !== undefined) q.set('q', opts.find);
        if (opts.breached) q.set('breached', 'true');
        if (opts.notBreached) q.set('breached', 'false');
        const page = await getJson<RequestPage>(target(), 'GET', `/api/requests?${q.toString()}`);
        if (opts.json) {
          printJson(page);
          return;
        }
        if (!page.requests.length) {
          out('No requests match.');
          return;
        }
        // A change open on a connection has an SLA of its own: columns for it when a listed request has one.
        const changes = page.requests.some((r) => r.openChange);
        out(
          table(
            [
              'TICKET',
              'COMPANY',
              'CLOUD',
              'TYPE',
              'STATUS',
              'STATE',
              'WAITING ON',
              'SLA DUE (UTC)',
              'BREACHED',
              ...(changes ? ['OPEN CHANGE', 'ITS SLA DUE (UTC)', 'ITS SLA BREACHED'] : []),
            ],
            page.requests.map((r) => [
              r.ticketId,
              r.company,
              r.cloud,
              r.connectionType,
              r.status,
              r.state,
              r.waitingOn,
              utc(r.slaDeadline).replace(' UTC', ''),
              r.slaBreached ? 'yes' : '',
              ...(changes
                ? [
                    r.openChange ? `${r.openChange.ticketId} (${r.openChange.kind})` : '',
                    utc(r.openChange?.slaDeadline ?? null).replace(' UTC', ''),
                    r.openChange?.slaBreached ? 'yes' : '',
                  ]
                : []),
            ]),
          ),
        );
        if (page.nextPageToken) {
          const filters = [
            ['--status', opts.status],
            ['--waiting-on', opts.waitingOn],
            ['--cloud', opts.cloud],
            ['--connection-type', opts.connectionType],
            ['--assignee', opts.assignee],
            ['--company', opts.company],
            ['--breached', opts.breached || undefined],
            ['--not-breached', opts.notBreached || undefined],
            ['--page-size', opts.pageSize === '50' ? undefined : opts.pageSize],
          ] as const;
          out(`More: ${nextPageCommand('list', filters, page.nextPageToken)}`);
        }
      },
    );

  program
    .command('event')
    .description(`Record a step: plctl event T-1001 connection.rejected --reason "wrong account"`)
    .argument('<ticketId>')
    .argument('<type>', `one of ${eventTypes.join(', ')}`)
    .argument(
      '[fields...]',
      "--field value pairs: the payload as text (--intake takes JSON or @file.json; --assignee '' is nobody)",
    )
    .option('--json', 'print the new state view as JSON')
    .allowUnknownOption()
    .helpOption('-h, --help')
    .addHelpText('after', eventFieldsHelp)
    .action(async (ticketId: string, type: string, rest: string[], opts: { json?: boolean }) => {
      if (!isEventType(type)) {
        const problem = unknownEventTypeProblem(type);
        throw new AppError('invalid', `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`);
      }
      const args = rest.filter((a) => a !== '--json');
      const json = opts.json || rest.includes('--json');
      const fields = parseFieldArgs(args);
      const view = await getJson<EventOutcome>(
        target(),
        'POST',
        `/api/requests/${encodeURIComponent(ticketId)}/events`,
        {
          type,
          ...fields,
        },
      );
      if (json) printJson(view);
      else out(`${type} applied.\n${formatView(view)}`);
    });
}
