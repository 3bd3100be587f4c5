import fc from 'fast-check';
import { forwardTicketEvent } from '../../src/api/routes/webhooks';
import { AppError } from '../../src/errors';
import type { Delivery, EnablementClient } from '../../src/temporal/enablement-client';
import type { EnablementEventInput } from '../../src/temporal/messages';
import type { TicketWebhookEvent } from '../../src/webhooks/types';
import { changeKinds, checkEvent } from '../../src/domain/events';
import { TICKET_ID_PATTERN } from '../../src/domain/ticket';
import { commentFooter } from '../../src/ticket-systems/comment-ref';
import {
  changeEventId,
  changeFromFields,
  changeKeys,
  changeKindOf,
  changeKindSpellings,
  changeTicketOf,
  findChangeKey,
  isChangeTicket,
  parseChangeDescription,
  ticketIdAsWritten,
} from '../../src/webhooks/change';
import { parseDescription } from '../../src/webhooks/description';
import { parseJiraWebhook } from '../../src/webhooks/jira';
import { parseZendeskWebhook } from '../../src/webhooks/zendesk';

const SERVICE = 'com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210';

/** A change ticket's parse, as the generic tickets webhook would read it. */
const changeOf = (text: string, ticketId = 'T-2001', submittedAt?: string) =>
  changeTicketOf(parseChangeDescription(text), {
    source: 'tickets',
    ticketId,
    ...(submittedAt ? { submittedAt } : {}),
  });

describe('a change ticket description', () => {
  it('written as a customer would gives the change it asks for, and names the keys it does not read', () => {
    const parsed = parseChangeDescription(
      [
        'Hello, we are moving to a new AWS account.',
        '',
        '* **PrivateLink ticket:** T-1001',
        '- Change: Change account',
        'New account: 2109-8765-4321',
        'Company: Acme',
        'See https://docs.example.com/privatelink.',
      ].join('\r\n'),
    );
    expect(parsed).toEqual({
      fields: { connectionTicketId: 'T-1001', kind: 'Change account', customerAccount: '210987654321' },
      unknownKeys: ['Company'],
    });
    expect(isChangeTicket(parsed)).toBe(true);
    expect(
      changeTicketOf(parsed, { source: 'tickets', ticketId: 'T-2001', submittedAt: '2026-11-02T10:00-05:00' }),
    ).toEqual({
      connectionTicketId: 'T-1001',
      change: { kind: 'change_account', customerAccount: '210987654321' },
      submittedAt: '2026-11-02T15:00:00Z',
    });
  });

  it('takes every documented spelling of every key, ignoring case, spaces, "-", "_" and "."', () => {
    const values: Record<string, string> = {
      connectionTicketId: 'T-1001',
      kind: 'add service',
      customerAccount: '210987654321',
      customerServiceName: SERVICE,
      services: 'redis 6379',
    };
    const read = { ...values, services: [{ name: 'redis', port: 6379 }] };
    for (const key of changeKeys) {
      for (const label of [...key.labels, key.field]) {
        for (const written of [label, label.toUpperCase(), label.replace(/ /g, '_'), label.replace(/ /g, '-')]) {
          expect({ written, fields: parseChangeDescription(`${written}: ${values[key.field]!}`).fields }).toEqual({
            written,
            fields: { [key.field]: read[key.field as keyof typeof read] },
          });
        }
      }
    }
    // "Private Link" in two words, or hyphenated, is the same key.
    for (const label of ['Private Link ticket', 'private-link ticket', 'Connection Ticket']) {
      expect(findChangeKey(label)?.field).toBe('connectionTicketId');
    }
    expect(findChangeKey('Ticket')).toBeUndefined();
    expect(findChangeKey('x'.repeat(101))).toBeUndefined();
  });

  it('names each kind of change in the ways people write it, and nothing else', () => {
    const cases: [string, string][] = [
      ['remove', 'remove'],
      ['Remove connection', 'remove'],
      ['change account', 'change_account'],
      ['change_account', 'change_account'],
      ['Change Account', 'change_account'],
      ['change-account', 'change_account'],
      ['add service', 'add_service'],
      ['ADD_SERVICE', 'add_service'],
      ['remove service', 'remove_service'],
      ['remove_service', 'remove_service'],
      ['troubleshoot', 'troubleshoot'],
      ['troubleshooting', 'troubleshoot'],
      ['Troubleshooting.', 'troubleshoot'],
    ];
    for (const [written, kind] of cases) expect({ written, kind: changeKindOf(written) }).toEqual({ written, kind });
    for (const kind of changeKinds) {
      for (const spelling of [kind, ...changeKindSpellings[kind]]) expect(changeKindOf(spelling)).toBe(kind);
    }
    for (const other of ['', 'fix it', 'upgrade', 'remove everything please', 'x'.repeat(200)]) {
      expect(changeKindOf(other)).toBeUndefined();
    }
  });

  it('gives each kind of change in the shape change.requested takes, which its schema accepts', () => {
    const cases: [string, Record<string, unknown>][] = [
      ['Change: remove', { kind: 'remove' }],
      ['Change: troubleshooting', { kind: 'troubleshoot' }],
      ['Change: change account\nAccount: 210987654321', { kind: 'change_account', customerAccount: '210987654321' }],
      [
        `Change: add service\nEndpoint service: ${SERVICE}\nServices: redis 6379, memcached 11211`,
        {
          kind: 'add_service',
          customerServiceName: SERVICE,
          services: [
            { name: 'redis', port: 6379 },
            { name: 'memcached', port: 11211 },
          ],
        },
      ],
      [
        `Change: add service\nCustomer endpoint service: ${SERVICE}\nServices:\n- redis 6379\n- memcached 11211`,
        {
          kind: 'add_service',
          customerServiceName: SERVICE,
          services: [
            { name: 'redis', port: 6379 },
            { name: 'memcached', port: 11211 },
          ],
        },
      ],
      [`Change: add service\nService name: ${SERVICE}`, { kind: 'add_service', customerServiceName: SERVICE }],
      [`Change: remove service\nService name: ${SERVICE}`, { kind: 'remove_service', customerServiceName: SERVICE }],
      // The services of a change that adds none are not part of it.
      [
        `Change: remove service\nService name: ${SERVICE}\nServices: redis 6379`,
        { kind: 'remove_service', customerServiceName: SERVICE },
      ],
    ];
    for (const [lines, change] of cases) {
      const asked = changeOf(`PrivateLink ticket: T-1001\n${lines}`);
      expect({ lines, asked }).toEqual({ lines, asked: { connectionTicketId: 'T-1001', change } });
      const event = {
        type: 'change.requested',
        actor: 'ticket-system:tickets',
        eventId: changeEventId('T-2001'),
        changeTicketId: 'T-2001',
        change: asked.change,
      };
      expect(checkEvent(event).ok).toBe(true);
    }
  });

  it('says why a ticket is no change as written, naming the accepted kinds or the key that is missing', () => {
    const kinds = 'remove, change account, add service, remove service, troubleshooting';
    expect(changeOf('PrivateLink ticket: T-1001')).toEqual({
      connectionTicketId: 'T-1001',
      problem: `the ticket does not say which change it asks for: add "Change: <one of: ${kinds}>"`,
    });
    expect(changeOf('PrivateLink ticket: T-1001\nChange: upgrade to pro')).toEqual({
      connectionTicketId: 'T-1001',
      problem: `"Change:" "upgrade to pro" is no change we make; write one of: ${kinds}`,
    });
    expect(changeOf('PrivateLink ticket: T-1001\nChange: change account').problem).toBe(
      'a change of account needs "New account: <the customer account that is to connect instead>", e.g. "New account: 210987654321"',
    );
    expect(changeOf('PrivateLink ticket: T-1001\nChange: add service\nServices: redis 6379').problem).toMatch(
      /^adding a service needs "Service name: <the customer's endpoint service>"/,
    );
    expect(changeOf('PrivateLink ticket: T-1001\nChange: remove service').problem).toMatch(
      /^removing a service needs "Service name:/,
    );
    // The connection's ticket: blank, not a ticket id, or this ticket itself.
    expect(changeOf('PrivateLink ticket:\nChange: remove')).toEqual({
      problem:
        '"PrivateLink ticket:" must name the ticket on which the connection was enabled, e.g. "PrivateLink ticket: T-1001" (got nothing)',
    });
    expect(changeOf('PrivateLink ticket: the one from March!\nChange: remove').problem).toContain(
      '(got "the one from March!")',
    );
    expect(changeOf('PrivateLink ticket: T-2001\nChange: remove')).toEqual({
      connectionTicketId: 'T-2001',
      problem:
        '"PrivateLink ticket:" names this ticket itself; it must name the ticket on which the connection was enabled',
    });
  });

  it('is a change ticket only when it names the connection ticket, even left blank; ordinary intake is untouched', () => {
    expect(isChangeTicket(parseChangeDescription('Change: remove\nNew account: 210987654321'))).toBe(false);
    expect(isChangeTicket(parseChangeDescription('PrivateLink ticket:'))).toBe(true);
    expect(isChangeTicket(parseChangeDescription(undefined))).toBe(false);
    // An intake description is read as before: the change keys are keys it does not read.
    const intake = parseDescription('Company: Acme\nPrivateLink ticket: T-1001\nChange: remove\nRegion: us-east-1');
    expect(intake).toEqual({
      draft: { company: 'Acme', region: 'us-east-1' },
      unknownKeys: ['PrivateLink ticket', 'Change'],
    });
  });

  it('keeps the last of a repeated key, and a list of services up to the next change key', () => {
    expect(
      parseChangeDescription(
        [
          'PrivateLink ticket: T-1',
          'PrivateLink ticket: T-1001',
          'Services:',
          '  redis 6379',
          'Change: add service',
        ].join('\n'),
      ).fields,
    ).toEqual({ connectionTicketId: 'T-1001', services: [{ name: 'redis', port: 6379 }], kind: 'add service' });
  });

  it('bounds what it keeps: long values are cut, long lines skipped, and lists limited', () => {
    const long = parseChangeDescription(`PrivateLink ticket: T-1001\nNew account: ${'1'.repeat(3900)}`);
    expect(long.fields.customerAccount).toBe('1'.repeat(3900));
    expect(parseChangeDescription(`New account: ${'1'.repeat(5000)}`).fields).toEqual({});
    const many = changeFromFields([
      ['connectionTicketId', 'T-1001'],
      ['services', Array.from({ length: 500 }, (_, i) => `s${i} ${1000 + i}`)],
      ['customerAccount', 'x'.repeat(100_000)],
      ...Array.from({ length: 500 }, (_, i) => [`extra${i}`, 'v'] as const),
    ]);
    expect((many.fields.services as unknown[]).length).toBe(50);
    expect(Buffer.byteLength(many.fields.customerAccount as string)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(many.fields.customerAccount as string)).toBeGreaterThan(4000);
    expect(many.unknownKeys.length).toBe(50);
  });

  it('never throws, and any change it gives goes to a usable ticket id', () => {
    const line = fc.constantFrom(
      'PrivateLink ticket: ',
      'Change: ',
      'New account: ',
      'Service name: ',
      'Services: ',
      '- ',
      '',
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(line, fc.string({ maxLength: 40 })), { maxLength: 8 }), (pairs) => {
        const text = pairs.map(([k, v]) => `${k}${v}`).join('\n');
        for (const source of ['tickets', 'zendesk', 'jira'] as const) {
          const asked = changeTicketOf(parseChangeDescription(text), { source, ticketId: 'T-2001' });
          if (asked.connectionTicketId !== undefined) expect(asked.connectionTicketId).toMatch(TICKET_ID_PATTERN);
          expect(asked.change !== undefined || typeof asked.problem === 'string').toBe(true);
        }
      }),
    );
  });
});

describe('structured change fields (the tickets webhook)', () => {
  it("takes the event's own shape, the flat shape and the ticket keys alike", () => {
    const expected = {
      connectionTicketId: 'T-1001',
      change: { kind: 'add_service', customerServiceName: SERVICE, services: [{ name: 'redis', port: 6379 }] },
    };
    const shapes: [string, unknown][][] = [
      [
        ['connectionTicketId', 'T-1001'],
        ['change', { kind: 'add_service', customerServiceName: SERVICE, services: [{ name: 'redis', port: 6379 }] }],
      ],
      [
        ['connectionTicketId', 'T-1001'],
        ['change', 'add service'],
        ['customerServiceName', SERVICE],
        ['services', ['redis 6379']],
      ],
      [
        ['PrivateLink ticket', 'T-1001'],
        ['Change', 'Add service'],
        ['Service name', SERVICE],
        ['Services', 'redis 6379'],
      ],
    ];
    for (const fields of shapes) {
      const parsed = changeFromFields(fields);
      expect(parsed.unknownKeys).toEqual([]);
      expect(changeTicketOf(parsed, { source: 'tickets', ticketId: 'T-2001' })).toEqual(expected);
    }
  });

  it('passes values that are not text as they are, for the event schema to refuse, and names unknown keys', () => {
    const parsed = changeFromFields([
      ['connectionTicketId', 'T-1001'],
      ['change', 'change account'],
      ['customerAccount', { id: 1 }],
      ['vpcId', 'vpc-1'],
      ['blank', ''],
    ]);
    expect(parsed.unknownKeys).toEqual(['vpcId']);
    const asked = changeTicketOf(parsed, { source: 'tickets', ticketId: 'T-2001' });
    expect(asked.change).toEqual({ kind: 'change_account', customerAccount: { id: 1 } });
    const checked = checkEvent({
      type: 'change.requested',
      actor: 'a',
      changeTicketId: 'T-2001',
      change: asked.change,
    });
    expect(checked.ok).toBe(false);
    expect(
      changeTicketOf(
        changeFromFields([
          ['connectionTicketId', 'T-1001'],
          ['change', 7],
        ]),
        { source: 'tickets', ticketId: 'T-2' },
      ).problem,
    ).toMatch(/^"Change:" "7" is no change we make/);
  });
});

describe('ticket ids as a ticket system writes them', () => {
  it.each([
    ['zendesk', '12345', 'ZD-12345'],
    ['zendesk', '#12345', 'ZD-12345'],
    ['zendesk', 'ZD-12345', 'ZD-12345'],
    ['zendesk', 'https://acme.zendesk.com/agent/tickets/12345', 'ZD-12345'],
    ['zendesk', 'https://acme.zendesk.com/hc/requests/12345?x=1', 'ZD-12345'],
    ['zendesk', '#12345 (from March)', 'ZD-12345'],
    ['jira', 'PL-42', 'PL-42'],
    ['jira', 'pl-42', 'PL-42'],
    ['jira', 'https://acme.atlassian.net/browse/PL-42', 'PL-42'],
    ['jira', 'PL-42, thanks', 'PL-42'],
    ['tickets', 'T-1001', 'T-1001'],
    ['tickets', 'T-1001 (our first)', 'T-1001'],
    ['tickets', 'the one from March', 'the one from March'],
  ] as const)('%s: %s is %s', (source, written, id) => {
    expect(ticketIdAsWritten(source, written)).toBe(id);
  });
});

describe('a Zendesk change ticket', () => {
  const body = (event: 'created' | 'updated', description: string, comment = '') => ({
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

  it('created: gives the change for the connection ticket it names (a number is a Zendesk ticket), never an intake', () => {
    const result = parseZendeskWebhook(
      body(
        'created',
        'PrivateLink ticket: #4242\nChange: remove service\nService name: ' + SERVICE + '\nCompany: Acme',
      ),
      { deliveryId: 'inv-1' },
    );
    expect(result).toEqual({
      ok: true,
      value: {
        source: 'zendesk',
        kind: 'created',
        ticketId: 'ZD-5001',
        intake: { ticketId: 'ZD-5001', subject: 'Change PrivateLink configuration' },
        change: {
          connectionTicketId: 'ZD-4242',
          change: { kind: 'remove_service', customerServiceName: SERVICE },
          submittedAt: '2026-11-03T09:30:00Z',
        },
        deliveryId: 'inv-1',
        unknownKeys: ['Company'],
      },
    });
  });

  it('created without a Change key: a change ticket that says what is missing', () => {
    const result = parseZendeskWebhook(body('created', 'PrivateLink ticket: ZD-4242\nPlease fix our connection.'));
    expect(result.value?.change).toEqual({
      connectionTicketId: 'ZD-4242',
      problem: expect.stringContaining('does not say which change'),
    });
  });

  it("updated: the latest comment's change keys over the description; without any, or ours, it is ignored", () => {
    const description = 'PrivateLink ticket: 4242\nChange: change account';
    const fixed = parseZendeskWebhook(
      body('updated', description, 'Sorry: New account: 210987654321\nNew account: 210987654321'),
    );
    expect(fixed.value).toMatchObject({
      kind: 'updated',
      change: { connectionTicketId: 'ZD-4242', change: { kind: 'change_account', customerAccount: '210987654321' } },
    });
    expect(parseZendeskWebhook(body('updated', description, 'Thanks, any news?'))).toEqual({
      ok: true,
      ignored: 'the update of change ticket ZD-5001 carries no change keys',
    });
    const ours = `New account: 111111111111\n${commentFooter('privatelink-ZD-4242/3')}`;
    expect(parseZendeskWebhook(body('updated', description, ours)).ignored).toMatch(/carries no change keys/);
  });

  it('whose subject does not mention PrivateLink is ignored like any other ticket', () => {
    const result = parseZendeskWebhook({
      ...body('created', 'PrivateLink ticket: 4242\nChange: remove'),
      ticket: {
        ...body('created', '').ticket,
        title: 'Remove our connection',
        description: 'PrivateLink ticket: 4242',
      },
    });
    expect(result.ignored).toMatch(/is not a PrivateLink request/);
  });

  it('an ordinary ticket is read as before, with no change', () => {
    const result = parseZendeskWebhook({
      ...body('created', 'Company: Acme\nRegion: us-east-1'),
      ticket: { ...body('created', 'Company: Acme\nRegion: us-east-1').ticket, title: 'PrivateLink support for Acme' },
    });
    expect(result.value?.change).toBeUndefined();
    expect(result.value?.intake).toMatchObject({ company: 'Acme', region: 'us-east-1' });
  });
});

describe('a Jira change issue', () => {
  const paragraph = (...texts: string[]) => ({
    type: 'paragraph',
    content: texts.flatMap((text, i) => [...(i ? [{ type: 'hardBreak' }] : []), { type: 'text', text }]),
  });
  const adf = (...content: unknown[]) => ({ type: 'doc', version: 1, content });
  const issue = (webhookEvent: string, description: unknown, extra: Record<string, unknown> = {}) => ({
    webhookEvent,
    issue: {
      key: 'PL-77',
      fields: {
        summary: 'Change PrivateLink configuration',
        description,
        created: '2026-11-03T10:00:00.000-0500',
      },
    },
    ...extra,
  });
  const description = adf(
    paragraph('We need another service.'),
    paragraph('PrivateLink ticket: pl-42', 'Change: Add service', `Service name: ${SERVICE}`),
    paragraph('Services:'),
    { type: 'bulletList', content: [{ type: 'listItem', content: [paragraph('redis 6379')] }] },
  );

  it('issue_created with an ADF description gives the change for the issue it names', () => {
    expect(parseJiraWebhook(issue('jira:issue_created', description), { deliveryId: 'd-1' })).toEqual({
      ok: true,
      value: {
        source: 'jira',
        kind: 'created',
        ticketId: 'PL-77',
        intake: { ticketId: 'PL-77', subject: 'Change PrivateLink configuration' },
        change: {
          connectionTicketId: 'PL-42',
          change: { kind: 'add_service', customerServiceName: SERVICE, services: [{ name: 'redis', port: 6379 }] },
          submittedAt: '2026-11-03T15:00:00Z',
        },
        deliveryId: 'd-1',
      },
    });
  });

  it('issue_created with a plain-text description reads the same keys', () => {
    const result = parseJiraWebhook(
      issue('jira:issue_created', '*PrivateLink ticket:* PL-42\n*Change:* troubleshooting\nIt stopped working.'),
    );
    expect(result.value?.change).toEqual({
      connectionTicketId: 'PL-42',
      change: { kind: 'troubleshoot' },
      submittedAt: '2026-11-03T15:00:00Z',
    });
  });

  it('issue_updated: taken when the description changed or the comment has change keys, else ignored', () => {
    const changed = parseJiraWebhook(
      issue('jira:issue_updated', description, { changelog: { items: [{ field: 'description' }] } }),
    );
    expect(changed.value).toMatchObject({ kind: 'updated', change: { connectionTicketId: 'PL-42' } });
    const commented = parseJiraWebhook(
      issue('jira:issue_updated', 'PrivateLink ticket: PL-42\nChange: change account', {
        comment: { body: 'New account: 210987654321' },
      }),
    );
    expect(commented.value?.change?.change).toEqual({ kind: 'change_account', customerAccount: '210987654321' });
    expect(parseJiraWebhook(issue('jira:issue_updated', description, { comment: { body: 'Any news?' } }))).toEqual({
      ok: true,
      ignored: 'the update of change issue PL-77 carries no change keys',
    });
    const ours = { comment: { body: `Change: remove\n${commentFooter('privatelink-PL-42/2')}` } };
    expect(parseJiraWebhook(issue('jira:issue_updated', description, ours)).ignored).toMatch(/no change keys/);
  });

  it('an ordinary issue is read as before, with no change', () => {
    const result = parseJiraWebhook({
      ...issue('jira:issue_created', 'Company: Acme'),
      issue: { key: 'PL-78', fields: { summary: 'PrivateLink support for Acme', description: 'Region: us-east-1' } },
    });
    expect(result.value?.change).toBeUndefined();
    expect(result.value?.intake).toMatchObject({ region: 'us-east-1' });
  });
});

describe('what a change ticket answers (forwardTicketEvent over a stub client)', () => {
  const event = (text: string, kind: 'created' | 'updated' = 'created'): TicketWebhookEvent => ({
    source: 'zendesk',
    kind,
    ticketId: 'ZD-5001',
    intake: { ticketId: 'ZD-5001' },
    change: changeTicketOf(parseChangeDescription(text), { source: 'zendesk', ticketId: 'ZD-5001' }),
  });
  const stub = (delivery: Delivery | Error) => {
    const calls: { ticketId: string; event: EnablementEventInput; opts: { startIfMissing: boolean } }[] = [];
    /** Events sent again by signal (a refused change, so the request answers it on the change ticket). */
    const signals: { ticketId: string; event: EnablementEventInput; opts: { startIfMissing: boolean } }[] = [];
    const client = {
      deliver: (ticketId: string, e: EnablementEventInput, opts: { startIfMissing: boolean }) => {
        calls.push({ ticketId, event: e, opts });
        return delivery instanceof Error ? Promise.reject(delivery) : Promise.resolve(delivery);
      },
      signalEvent: (ticketId: string, e: EnablementEventInput, opts: { startIfMissing: boolean }) => {
        signals.push({ ticketId, event: e, opts });
        return Promise.resolve('delivered');
      },
    } as unknown as EnablementClient;
    return { client, calls, signals };
  };
  const raw = Buffer.from('{}');
  const about = {
    ticketId: 'ZD-5001',
    connectionTicketId: 'ZD-4242',
    event: 'change.requested',
    changeKind: 'remove',
    eventId: 'change.requested:ZD-5001',
  };

  it('sends change.requested to the connection, never starting it, once per change ticket', async () => {
    const { client, calls } = stub({ kind: 'queued' });
    const answer = await forwardTicketEvent(client, event('PrivateLink ticket: 4242\nChange: remove'), raw);
    expect(answer).toEqual({
      status: 202,
      body: { accepted: true, queued: true, ...about, note: expect.stringContaining('queued') },
    });
    expect(calls).toEqual([
      {
        ticketId: 'ZD-4242',
        event: {
          type: 'change.requested',
          actor: 'ticket-system:zendesk',
          eventId: 'change.requested:ZD-5001',
          changeTicketId: 'ZD-5001',
          change: { kind: 'remove' },
        },
        opts: { startIfMissing: false },
      },
    ]);
    // Its update sends the very same event.
    await forwardTicketEvent(client, event('PrivateLink ticket: 4242\nChange: remove', 'updated'), raw);
    expect(calls[1]).toEqual(calls[0]);
  });

  it('answers a refusal, an ended connection and a repeat with 200; a missing connection with 404', async () => {
    const text = 'PrivateLink ticket: 4242\nChange: remove';
    const refusing = stub({ kind: 'refused', reason: 'Not now.' });
    expect(await forwardTicketEvent(refusing.client, event(text), raw)).toEqual({
      status: 200,
      body: {
        accepted: false,
        ...about,
        refused: 'Not now.',
        note: 'The change ticket is told why, in a comment from the connection’s request.',
      },
    });
    // The refused change goes again by signal, never starting a request, so the request answers it on the ticket.
    expect(refusing.signals).toEqual([
      { ticketId: 'ZD-4242', event: refusing.calls[0]!.event, opts: { startIfMissing: false } },
    ]);
    expect(await forwardTicketEvent(stub({ kind: 'ended' }).client, event(text), raw)).toEqual({
      status: 200,
      body: {
        accepted: false,
        ...about,
        ignored:
          'The request for ticket ZD-4242 has ended (removed, rejected or cancelled): there is no connection to change.',
      },
    });
    expect((await forwardTicketEvent(stub({ kind: 'duplicate', of: 7 }).client, event(text), raw)).body).toMatchObject({
      accepted: false,
      duplicate: true,
      ignored: expect.stringContaining('(event 7 of the request for ZD-4242)'),
    });
    const missing = stub(new AppError('not_found', 'No request for ticket ZD-4242; deliver its ticket.created first.'));
    await expect(forwardTicketEvent(missing.client, event(text), raw)).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringMatching(
        /^No request for ticket ZD-4242, which change ticket ZD-5001 names as its connection/,
      ),
    });
    const down = stub(new AppError('unavailable', 'Temporal is down.'));
    await expect(forwardTicketEvent(down.client, event(text), raw)).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('refuses, without asking the connection, a ticket that is no change as written or whose change the event refuses', async () => {
    const { client, calls } = stub({ kind: 'queued' });
    const noKind = await forwardTicketEvent(client, event('PrivateLink ticket: 4242'), raw);
    expect(noKind).toEqual({
      status: 200,
      body: {
        accepted: false,
        ticketId: 'ZD-5001',
        connectionTicketId: 'ZD-4242',
        event: 'change.requested',
        eventId: 'change.requested:ZD-5001',
        refused: expect.stringMatching(
          /^Change ticket ZD-5001: the ticket does not say which change it asks for: add "Change: <one of: remove, change account, add service, remove service, troubleshooting>"\.$/,
        ),
      },
    });
    const badPort = await forwardTicketEvent(
      client,
      event(`PrivateLink ticket: 4242\nChange: add service\nService name: ${SERVICE}\nServices: redis 63o9`),
      raw,
    );
    expect(badPort.body).toMatchObject({
      accepted: false,
      changeKind: 'add_service',
      refused: expect.stringContaining('change.services[0].port: must be a port number'),
    });
    expect(calls).toEqual([]);
  });
});
