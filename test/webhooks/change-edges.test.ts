/**
 * The edges of reading a change ticket (src/webhooks/change.ts): values at their limits, blank and non-text values,
 * ticket ids written with links and punctuation, and what the Zendesk and Jira payloads of a change ticket carry.
 * Each case is one a mutation run showed no other test to notice (docs/mutation-survivors.md).
 */
import { checkEvent, eventTypes, unknownEventTypeProblem } from '../../src/domain/events';
import {
  changeFromFields,
  changeKindOf,
  changeTicketOf,
  findChangeKey,
  isChangeTicket,
  parseChangeDescription,
  ticketIdAsWritten,
  type ParsedChange,
} from '../../src/webhooks/change';
import { parseJiraWebhook } from '../../src/webhooks/jira';
import { parseZendeskWebhook } from '../../src/webhooks/zendesk';

const SERVICE = 'com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210';
const KINDS = 'one of: remove, change account, add service, remove service, troubleshooting';
const NEEDS_ACCOUNT =
  'a change of account needs "New account: <the customer account that is to connect instead>", e.g. "New account: 210987654321"';
const NEEDS_SERVICE = `adding a service needs "Service name: <the customer's endpoint service>", e.g. "Service name: ${SERVICE}"`;

/** What a change ticket becomes on the generic tickets webhook, as change ticket T-2001. */
const changeOf = (parsed: ParsedChange) => changeTicketOf(parsed, { source: 'tickets', ticketId: 'T-2001' });
const changeOfText = (text: string) => changeOf(parseChangeDescription(text));

describe('a change ticket value at its edges', () => {
  it.each([
    // Written in groups of four, as the AWS console shows it: one account.
    ['2109-8765-4321', '210987654321'],
    // One digit too many, before or after: passed on as written for the event to refuse, never made twelve digits.
    ['12109-8765-4321', '12109-8765-4321'],
    ['2109-8765-43210', '2109-8765-43210'],
    ['210987654321', '210987654321'],
  ])('New account: %s is read as %j', (written, account) => {
    expect(parseChangeDescription(`PrivateLink ticket: T-1001\nNew account: ${written}`).fields).toEqual({
      connectionTicketId: 'T-1001',
      customerAccount: account,
    });
  });

  it('reads a "Change:" of up to 100 characters, separators and all, and refuses a longer one', () => {
    const at100 = 'remove'.padEnd(100, '.');
    const at101 = 'remove'.padEnd(101, '.');
    expect(changeKindOf(at100)).toBe('remove');
    expect(changeKindOf(at101)).toBeUndefined();
    expect(changeOfText(`PrivateLink ticket: T-1001\nChange: ${at100}`)).toEqual({
      connectionTicketId: 'T-1001',
      change: { kind: 'remove' },
    });
    // The value is quoted cut to 77 characters of its JSON.
    expect(changeOfText(`PrivateLink ticket: T-1001\nChange: ${at101}`)).toEqual({
      connectionTicketId: 'T-1001',
      problem: `"Change:" "remove${'.'.repeat(70)}... is no change we make; write ${KINDS}`,
    });
  });

  it('takes a structured key of up to 100 characters, separators and all, and names a longer one as unknown', () => {
    const at100 = 'connectionTicketId'.padEnd(100, '_');
    const at101 = 'connectionTicketId'.padEnd(101, '_');
    expect(findChangeKey(at100)?.field).toBe('connectionTicketId');
    expect(findChangeKey(at101)).toBeUndefined();
    expect(changeFromFields([[at100, 'T-1001']])).toEqual({
      fields: { connectionTicketId: 'T-1001' },
      unknownKeys: [],
    });
    expect(changeFromFields([[at101, 'T-1001']])).toEqual({ fields: {}, unknownKeys: [at101] });
  });

  it.each([
    ['a blank "New account:"', 'PrivateLink ticket: T-1001\nChange: change account\nNew account:', NEEDS_ACCOUNT],
    ['a blank "Service name:"', 'PrivateLink ticket: T-1001\nChange: add service\nService name:', NEEDS_SERVICE],
  ])('reads %s as left out, so the ticket says what is missing', (_, text, problem) => {
    expect(changeOfText(text)).toEqual({ connectionTicketId: 'T-1001', problem });
  });

  it('reads a structured null or blank value as left out', () => {
    for (const blank of [null, '', '  ', '{{ticket.ticket_field_360012345678}}']) {
      const parsed = changeFromFields([
        ['connectionTicketId', 'T-1001'],
        ['change', 'change account'],
        ['customerAccount', blank],
      ]);
      expect(parsed).toEqual({ fields: { connectionTicketId: 'T-1001', kind: 'change account' }, unknownKeys: [] });
      expect(changeOf(parsed)).toEqual({ connectionTicketId: 'T-1001', problem: NEEDS_ACCOUNT });
    }
  });

  it('is no change ticket for a blank change key other than the connection ticket', () => {
    const parsed = parseChangeDescription('Change: remove\nNew account:\nServices:');
    expect(parsed).toEqual({ fields: { kind: 'remove' }, unknownKeys: [] });
    expect(isChangeTicket(parsed)).toBe(false);
  });

  it('refuses a "Change:" that is no text, naming it, without throwing', () => {
    for (const [kind, quoted] of [
      [['remove'], '["remove"]'],
      [true, 'true'],
    ] as const) {
      const parsed = changeFromFields([
        ['connectionTicketId', 'T-1001'],
        ['change', kind],
      ]);
      expect(changeOf(parsed)).toEqual({
        connectionTicketId: 'T-1001',
        problem: `"Change:" ${quoted} is no change we make; write ${KINDS}`,
      });
    }
  });

  it('gives a change only the fields its kind takes, and no services that were not given', () => {
    const added = changeOfText(`PrivateLink ticket: T-1001\nChange: add service\nService name: ${SERVICE}`);
    expect(added.change).toStrictEqual({ kind: 'add_service', customerServiceName: SERVICE });
    expect(added.change).not.toHaveProperty('services');
  });

  it('unwraps a structured services value quoted around a code span, as a description line is', () => {
    expect(changeFromFields([['services', '"`redis 6379`"']])).toEqual({
      fields: { services: [{ name: 'redis', port: 6379 }] },
      unknownKeys: [],
    });
  });

  it('gives a change that lists a port twice, which change.requested refuses in so many words', () => {
    const asked = changeOfText(
      `PrivateLink ticket: T-1001\nChange: add service\nService name: ${SERVICE}\nServices: redis 6379, cache 6379`,
    );
    expect(asked.change).toEqual({
      kind: 'add_service',
      customerServiceName: SERVICE,
      services: [
        { name: 'redis', port: 6379 },
        { name: 'cache', port: 6379 },
      ],
    });
    const checked = checkEvent({
      type: 'change.requested',
      actor: 'ticket-system:tickets',
      eventId: 'change.requested:T-2001',
      changeTicketId: 'T-2001',
      change: asked.change,
    });
    expect(checked.ok).toBe(false);
    expect(checked.ok ? [] : checked.problems).toEqual(['change.services: must list each port once']);
  });
});

describe('a connection ticket id written with links and punctuation', () => {
  it.each([
    // Spaces around the id, as a caller may pass it.
    ['zendesk', ' #4242 ', 'ZD-4242'],
    ['tickets', '  T-1001\t', 'T-1001'],
    // A sentence's closing stop is no part of the id.
    ['zendesk', '4242.', 'ZD-4242'],
    ['jira', 'PL-42.', 'PL-42'],
    ['jira', 'PL-42...', 'PL-42'],
    ['tickets', 'T-1001.', 'T-1001'],
    ['tickets', 'T-1001!?', 'T-1001'],
    ['tickets', 'T-1001... (our first request)', 'T-1001'],
    ['jira', 'PL-42!! It is urgent', 'PL-42'],
    // A dot inside an id is kept.
    ['tickets', 'ops.1001', 'ops.1001'],
    // A link names the ticket, even after a word with a digit, and even followed by a comma.
    ['jira', 'Q3 request https://acme.atlassian.net/browse/PL-42', 'PL-42'],
    ['zendesk', '2nd request: https://acme.zendesk.com/agent/tickets/4242', 'ZD-4242'],
    ['zendesk', 'https://acme.zendesk.com/agent/tickets/4242, thanks', 'ZD-4242'],
    ['jira', 'https://acme.atlassian.net/browse/PL-42, see above', 'PL-42'],
    // Jira keys of any length, and links with a query.
    ['jira', 'https://acme.atlassian.net/browse/NET-7', 'NET-7'],
    ['jira', 'https://acme.atlassian.net/browse/netops-7', 'NETOPS-7'],
    ['jira', 'https://acme.atlassian.net/browse/PL-42?focusedCommentId=10001', 'PL-42'],
    // A "#" inside a number joins no digits: no ticket, never ZD-12345.
    ['zendesk', '12#345', '12#345'],
    // The generic ticket system's ids are as written: neither upper-cased nor read as Jira links.
    ['tickets', 'pl-42', 'pl-42'],
    ['tickets', 'https://acme.atlassian.net/browse/PL-42', 'https://acme.atlassian.net/browse/PL-42'],
  ] as const)('%s: %j is %j', (source, written, id) => {
    expect(ticketIdAsWritten(source, written)).toBe(id);
  });

  it('sends the change of "PrivateLink ticket: T-1001." to T-1001, and refuses a ticket id with a "#" inside', () => {
    expect(changeOfText('PrivateLink ticket: T-1001.\nChange: remove')).toEqual({
      connectionTicketId: 'T-1001',
      change: { kind: 'remove' },
    });
    expect(
      changeTicketOf(parseChangeDescription('PrivateLink ticket: 12#345\nChange: remove'), {
        source: 'zendesk',
        ticketId: 'ZD-5001',
      }),
    ).toEqual({
      problem:
        '"PrivateLink ticket:" must name the ticket on which the connection was enabled, e.g. "PrivateLink ticket: T-1001" (got "12#345")',
    });
  });
});

describe('what the Zendesk and Jira payloads of a change ticket carry', () => {
  const zendesk = (event: 'created' | 'updated', description: string, comment = '') => ({
    event,
    ticket: {
      id: '5001',
      title: 'Change PrivateLink configuration',
      description,
      latest_public_comment: comment,
      created_at: '2026-11-03T09:30Z',
      updated_at: '2026-11-03T09:30Z',
    },
  });
  const jira = (webhookEvent: string, description: string, extra: Record<string, unknown> = {}) => ({
    webhookEvent,
    issue: {
      key: 'PL-77',
      fields: { summary: 'Change PrivateLink configuration', description, created: '2026-11-03T10:00:00.000-0500' },
    },
    ...extra,
  });

  it('Zendesk: "PrivateLink ticket: 4242." names ZD-4242; no delivery id or unknown keys unless there are some', () => {
    const result = parseZendeskWebhook(zendesk('created', 'PrivateLink ticket: 4242.\nChange: remove'));
    expect(result).toEqual({
      ok: true,
      value: {
        source: 'zendesk',
        kind: 'created',
        ticketId: 'ZD-5001',
        intake: { ticketId: 'ZD-5001', subject: 'Change PrivateLink configuration' },
        change: { connectionTicketId: 'ZD-4242', change: { kind: 'remove' }, submittedAt: '2026-11-03T09:30:00Z' },
      },
    });
    expect(result.value).not.toHaveProperty('deliveryId');
    expect(result.value).not.toHaveProperty('unknownKeys');
  });

  it('Zendesk: an update whose comment only names the connection ticket again carries no change', () => {
    expect(
      parseZendeskWebhook(
        zendesk('updated', 'PrivateLink ticket: 4242\nChange: change account', 'PrivateLink ticket: 4242'),
      ),
    ).toEqual({ ok: true, ignored: 'the update of change ticket ZD-5001 carries no change keys' });
  });

  it('Zendesk: an ordinary ticket that leaves a key blank ("Services:") is still an intake, not a change ticket', () => {
    const result = parseZendeskWebhook({
      event: 'created',
      ticket: {
        id: '5002',
        title: 'PrivateLink support for Acme',
        description: 'Company: Acme\nRegion: us-east-1\nServices:',
        created_at: '2026-11-03T09:30Z',
      },
    });
    expect(result.value?.change).toBeUndefined();
    expect(result.value?.intake).toEqual({
      company: 'Acme',
      subject: 'PrivateLink support for Acme',
      region: 'us-east-1',
      ticketId: 'ZD-5002',
      submittedAt: '2026-11-03T09:30:00Z',
    });
  });

  it('Jira: names the keys a change issue does not read; no delivery id unless given', () => {
    const result = parseJiraWebhook(
      jira('jira:issue_created', 'PrivateLink ticket: PL-42\nChange: remove\nCompany: Acme'),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        source: 'jira',
        kind: 'created',
        ticketId: 'PL-77',
        intake: { ticketId: 'PL-77', subject: 'Change PrivateLink configuration' },
        change: { connectionTicketId: 'PL-42', change: { kind: 'remove' }, submittedAt: '2026-11-03T15:00:00Z' },
        unknownKeys: ['Company'],
      },
    });
    expect(result.value).not.toHaveProperty('deliveryId');
  });

  it('Jira: an update whose comment only names the connection ticket again carries no change', () => {
    expect(
      parseJiraWebhook(
        jira('jira:issue_updated', 'PrivateLink ticket: PL-42\nChange: change account', {
          comment: { body: 'PrivateLink ticket: PL-42' },
        }),
      ),
    ).toEqual({ ok: true, ignored: 'the update of change issue PL-77 carries no change keys' });
  });
});

describe('an unknown event type as close to two known ones', () => {
  it.each([
    // Two edits from connection.approved and from connection.removed: the one listed first.
    ['connection.rproved', 'connection.approved'],
    // Two edits from vendor_endpoint.created and from vendor_endpoint.deleted.
    ['vendor_endpoint.deated', 'vendor_endpoint.created'],
  ])('takes %j to mean %s', (written, meant) => {
    expect(unknownEventTypeProblem(written)).toBe(
      `unknown event type "${written}"; did you mean ${meant}? Known types: ${eventTypes.join(', ')}`,
    );
  });
});
