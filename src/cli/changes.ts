/**
 * `plctl change | connections`: the connection after enablement (docs/plctl.md). `change` opens a change on an enabled
 * connection with the change's own ticket (the `change.requested` event); `connections` is the inventory, the
 * auditor's "who can reach us, since when, approved by whom".
 */
import type { Command } from 'commander';
import type { CliConfig } from '../config/cli';
import { type Change, type ChangeKind, changeKinds } from '../domain/events';
import { clouds } from '../domain/formats';
import { editDistance } from '../domain/ticket-words';
import { AppError } from '../errors';
import type { EventOutcome } from '../temporal/messages';
import type { ConnectionPage, ConnectionRow } from '../temporal/visibility';
import { intakeFromFields } from '../webhooks/description';
import { getJson } from './api-client';
import { formatView, nextPageCommand, out, printJson, utc } from './requests';
import { table } from './table';

/** The flags that give a change's fields, and the field each fills. */
const changeFlags = {
  account: { flag: '--account <id>', field: 'customerAccount' },
  service: { flag: '--service <name>', field: 'customerServiceName' },
  services: { flag: '--services <list>', field: 'services' },
  details: { flag: '--details <text>', field: 'details' },
} as const;
type ChangeFlag = keyof typeof changeFlags;

/** Each kind of change: its flags (required, then optional) and what it does, for the help and the usage errors. */
const kindUsage: Record<ChangeKind, { required: ChangeFlag[]; optional: ChangeFlag[]; does: string }> = {
  remove: {
    required: [],
    optional: [],
    does: "revoke the customer's access, remove the endpoint connection (and our endpoints to their services)",
  },
  change_account: {
    required: ['account'],
    optional: [],
    does: 'allowlist the new account, connect it, verify, then revoke the old one',
  },
  add_service: {
    required: ['service'],
    optional: ['services'],
    does: "connect us to another customer endpoint service (default ports: the connection's reverse ports)",
  },
  remove_service: {
    required: ['service'],
    optional: [],
    does: "delete our endpoint to one of the customer's services",
  },
  troubleshoot: {
    required: [],
    optional: ['details'],
    does: 'answered on the change ticket, not opened: troubleshooting an enabled connection is outside support',
  },
};

const usageOf = (kind: ChangeKind): string => {
  const { required, optional } = kindUsage[kind];
  const flags = [...required.map((f) => changeFlags[f].flag), ...optional.map((f) => `[${changeFlags[f].flag}]`)];
  return ['plctl change <ticketId>', kind, '--ticket <changeTicketId>', ...flags].join(' ');
};

function kindsHelp(): string {
  const width = Math.max(...changeKinds.map((k) => k.length));
  const lines = changeKinds.map((kind) => {
    const { required, optional, does } = kindUsage[kind];
    const flags = [...required.map((f) => changeFlags[f].flag), ...optional.map((f) => `[${changeFlags[f].flag}]`)];
    return `  ${kind.padEnd(width)}  ${flags.join(' ') || '(no flags)'}\n  ${''.padEnd(width)}    ${does}`;
  });
  return `
Kinds (also spelt with -, e.g. change-account) and their flags; every kind takes --ticket <changeTicketId>:
${lines.join('\n')}

--services lists ports as tickets write them: "redis 6379, https 443" (or --services repeated).
A second change while one is open is refused, naming the open one; cancel it with
  plctl event <ticketId> change.cancelled --reason "<why>"

Examples:
  plctl change T-1001 change-account --ticket T-2001 --account 210987654321
  plctl change T-1001 add_service --ticket T-2002 --service com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210 --services "redis 6379"
  plctl change T-1001 remove --ticket T-2003 --submitted 2026-11-02T15:00:00Z
`;
}

/** `change-account`, `Change_Account` -> `change_account`; an unknown kind is a usage error naming the kinds. */
export function changeKindOf(given: string): ChangeKind {
  const kind = given.trim().toLowerCase().replace(/-/g, '_');
  if ((changeKinds as readonly string[]).includes(kind)) return kind as ChangeKind;
  const guess = changeKinds.find((k) => editDistance(k, kind) <= 3);
  throw new AppError(
    'bad_request',
    `Unknown kind of change "${given}"${guess ? `; did you mean ${guess}?` : '.'} Kinds: ${changeKinds.join(', ')}.`,
  );
}

/**
 * `"redis 6379, https 443"` (each `--services` value, as tickets write ports) -> `[{ name, port }]`, read by the ticket
 * parser (src/webhooks/description.ts); what is not a name and a port is a usage error. Port ranges and repeats are the
 * API's to judge.
 */
export function parseServicesFlag(values: readonly string[]): { name: string; port: number }[] {
  const services: { name: string; port: number }[] = [];
  for (const value of values) {
    const parsed = intakeFromFields([['services', value]]).draft.services;
    if (!Array.isArray(parsed) || !parsed.length) {
      throw new AppError('bad_request', `--services needs services with ports, e.g. "redis 6379, https 443".`);
    }
    for (const entry of parsed as { name?: unknown; port?: unknown }[]) {
      const { name, port } = entry;
      if (typeof name !== 'string' || !name || typeof port !== 'number') {
        const given = [name, port].filter((v) => v !== undefined && v !== '').join(' ');
        throw new AppError(
          'bad_request',
          `--services: "${given}" is not a service name and a port; write e.g. "redis 6379, https 443".`,
        );
      }
      services.push({ name, port });
    }
  }
  return services;
}

interface ChangeOptions {
  ticket?: string;
  account?: string;
  service?: string;
  services?: string[];
  details?: string;
  submitted?: string;
  comment?: string;
  eventId?: string;
  json?: boolean;
}

/**
 * The `change` a kind and its flags ask for; a missing flag (`--ticket` included), or one the kind does not take, is a
 * usage error naming them, with the kind's usage.
 */
export function changeOf(kind: ChangeKind, opts: ChangeOptions): Change {
  const usage = `Usage: ${usageOf(kind)}`;
  const valueOf = (f: ChangeFlag) => (f === 'services' ? opts.services?.[0] : opts[f]);
  const { required, optional } = kindUsage[kind];
  const missing = [
    ...(opts.ticket?.trim() ? [] : ['--ticket <changeTicketId>']),
    ...required.filter((f) => !valueOf(f)?.trim()).map((f) => changeFlags[f].flag),
  ];
  if (missing.length) {
    throw new AppError('bad_request', `A change of kind ${kind} needs ${missing.join(' and ')}.\n${usage}`);
  }
  const stray = (Object.keys(changeFlags) as ChangeFlag[]).filter(
    (f) => valueOf(f) !== undefined && !required.includes(f) && !optional.includes(f),
  );
  if (stray.length) {
    const flags = stray.map((f) => changeFlags[f].flag.split(' ')[0]).join(', ');
    throw new AppError('bad_request', `A change of kind ${kind} takes no ${flags}.\n${usage}`);
  }
  switch (kind) {
    case 'remove':
      return { kind };
    case 'change_account':
      return { kind, customerAccount: opts.account! };
    case 'add_service':
      return {
        kind,
        customerServiceName: opts.service!,
        ...(opts.services ? { services: parseServicesFlag(opts.services) } : {}),
      };
    case 'remove_service':
      return { kind, customerServiceName: opts.service! };
    case 'troubleshoot':
      return { kind, ...(opts.details !== undefined ? { details: opts.details } : {}) };
  }
}

/** The first line of the answer to a change request: what became of it. */
function changeHeadline(view: EventOutcome, changeTicketId: string, kind: ChangeKind): string {
  if (view.event.result === 'duplicate') {
    return `change.requested was already recorded (event ${view.event.seq}); nothing changed.`;
  }
  if (kind === 'troubleshoot') {
    return `Answered on ${changeTicketId}: troubleshooting an enabled connection is outside support; no change was opened.`;
  }
  return view.change?.ticketId === changeTicketId
    ? `Change ${changeTicketId} opened: ${view.change.what}.`
    : `change.requested applied.`;
}

/** A customer endpoint service by its id, the last part of its name (the region and cloud are columns of their own). */
const serviceId = (name: string) => name.split(/[./]/).filter(Boolean).at(-1) ?? name;

/** The inventory as a table: one row per account that can connect (and per service we reach), the connection's first. */
export function connectionsTable(rows: readonly ConnectionRow[]): string {
  const when = (instant: string) => utc(instant).replace(' UTC', '');
  const lines = rows.flatMap((c) => {
    const height = Math.max(c.accounts.length, c.reverseServices.length, 1);
    return Array.from({ length: height }, (_, i) => {
      const account = c.accounts[i];
      const reverse = c.reverseServices[i];
      const first = i === 0;
      return [
        first ? c.ticketId : '',
        first ? c.company : '',
        first ? `${c.cloud} ${c.region}` : '',
        account ? account.account : first ? '(none)' : '',
        account ? when(account.since) : '',
        account ? (account.approvedBy ?? '') : '',
        first ? c.services.map((s) => `${s.name} ${s.port}`).join(', ') : '',
        reverse ? `${serviceId(reverse.service)} (${reverse.ports.map((p) => `${p.name} ${p.port}`).join(', ')})` : '',
        first && c.openChange ? `${c.openChange.ticketId} ${c.openChange.kind}` : '',
      ];
    });
  });
  return table(
    [
      'TICKET',
      'COMPANY',
      'CLOUD/REGION',
      'CAN CONNECT',
      'SINCE (UTC)',
      'APPROVED BY',
      'PORTS',
      'WE CONNECT TO',
      'OPEN CHANGE',
    ],
    lines,
  );
}

interface ConnectionsOptions {
  company?: string;
  cloud?: string;
  region?: string;
  account?: string;
  pageSize?: string;
  pageToken?: string;
  all?: boolean;
  json?: boolean;
}

/** Adds `plctl change` and `plctl connections`. */
export function addChangeCommands(program: Command, config: CliConfig): void {
  const target = () => config.api;

  program
    .command('change')
    .description(
      'Open a change on an enabled connection, with its own ticket: remove, change_account, add_service, remove_service (troubleshoot is answered)',
    )
    .argument('<ticketId>', 'the ticket that enabled the connection')
    .argument('<kind>', `${changeKinds.join(' | ')} (or with -, e.g. change-account)`)
    .option('--ticket <changeTicketId>', "the change's own ticket (required): its comments and SLA go there")
    .option('--account <id>', 'change_account: the customer account that is to connect instead')
    .option(
      '--service <name>',
      "add_service, remove_service: the customer's endpoint service (Azure: the Private Link service's resource id)",
    )
    .option(
      '--services <list>',
      'add_service: the ports of that service, e.g. "redis 6379, https 443" (repeatable)',
      (v: string, all: string[] | undefined) => [...(all ?? []), v],
    )
    .option('--details <text>', 'troubleshoot: what does not work')
    .option(
      '--submitted <ISO>',
      "when the change ticket was submitted; the change's SLA counts from then (default: now)",
    )
    .option('--comment <text>', 'kept in the audit trail')
    .option('--event-id <key>', 'dedupe key: the same key twice opens the change once')
    .option('--json', 'print the new state view as JSON')
    .addHelpText('after', kindsHelp)
    .action(async (ticketId: string, kindGiven: string, opts: ChangeOptions) => {
      const kind = changeKindOf(kindGiven);
      const change = changeOf(kind, opts);
      const changeTicketId = opts.ticket!;
      const body = {
        type: 'change.requested',
        changeTicketId,
        change,
        ...(opts.submitted !== undefined ? { submittedAt: opts.submitted } : {}),
        ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
        ...(opts.eventId !== undefined ? { eventId: opts.eventId } : {}),
      };
      const path = `/api/requests/${encodeURIComponent(ticketId)}/events`;
      let view: EventOutcome;
      try {
        view = await getJson<EventOutcome>(target(), 'POST', path, body);
      } catch (err) {
        const open =
          err instanceof AppError ? (err.extensions.openChange as { ticketId: string } | undefined) : undefined;
        if (!open || !(err instanceof AppError)) throw err;
        // Another change is open: say how to see it and how to cancel it.
        throw new AppError(
          err.code,
          err.message.split('\n')[0]!,
          [
            ...err.problems,
            `see it: plctl status ${ticketId}`,
            `cancel it: plctl event ${ticketId} change.cancelled --reason "<why>"`,
          ],
          err.extensions,
        );
      }
      if (opts.json) printJson(view);
      else out(`${changeHeadline(view, changeTicketId, kind)}\n${formatView(view)}`);
    });

  program
    .command('connections')
    .description('The connections that exist now: who can connect, since when, approved by whom (the inventory)')
    .option('--company <name>')
    .option('--cloud <cloud>', clouds.join(' | '))
    .option('--region <region>', 'e.g. us-east-1 or eastus')
    .option('--account <id>', 'only connections this account can connect to now')
    .option('--page-size <n>', 'connections per page (1-200; default 50, 200 with --all)')
    .option('--page-token <token>', 'nextPageToken of the previous page (with the same filters)')
    .option('--all', 'every page, not just the first')
    .option('--json', 'print the API answer as JSON (with --all, every page in one)')
    .action(async (opts: ConnectionsOptions) => {
      const q = new URLSearchParams();
      for (const key of ['company', 'cloud', 'region', 'account'] as const) {
        const value = opts[key];
        if (value !== undefined) q.set(key, value);
      }
      q.set('pageSize', opts.pageSize ?? (opts.all ? '200' : '50'));
      let token = opts.pageToken;
      const fetchPage = () => {
        const page = new URLSearchParams(q);
        if (token !== undefined) page.set('pageToken', token);
        return getJson<ConnectionPage>(target(), 'GET', `/api/connections?${page.toString()}`);
      };
      let page = await fetchPage();
      if (opts.all) {
        const connections = [...page.connections];
        while (page.nextPageToken) {
          token = page.nextPageToken;
          page = await fetchPage();
          connections.push(...page.connections);
        }
        page = { ...page, connections };
      }
      if (opts.json) {
        printJson(page);
        return;
      }
      if (!page.connections.length) {
        out(opts.pageToken ? 'No more connections.' : 'No connections match.');
        return;
      }
      out(connectionsTable(page.connections));
      if (page.nextPageToken) {
        const filters = [
          ['--company', opts.company],
          ['--cloud', opts.cloud],
          ['--region', opts.region],
          ['--account', opts.account],
          ['--page-size', opts.pageSize],
        ] as const;
        out(`More: ${nextPageCommand('connections', filters, page.nextPageToken)}  (or --all)`);
      }
    });
}
