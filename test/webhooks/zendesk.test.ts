import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { commentFooter } from '../../src/ticket-systems/comment-ref';
import { zendeskTicketId, zendeskTicketNumber } from '../../src/ticket-systems/zendesk';
import { isoSeconds } from '../../src/webhooks/types';
import { TICKET_ID_PATTERN } from '../../src/domain/ticket';
import {
  parseZendeskWebhook,
  verifyZendeskSignature,
  ZENDESK_TRIGGER_BODY_TEMPLATE,
  zendeskTriggerBody,
} from '../../src/webhooks/zendesk';

const SECRET = 'dGhpcyBpcyBhIHplbmRlc2sgc2lnbmluZyBzZWNyZXQ';
const OLD_SECRET = 'b2xkIHplbmRlc2sgc2lnbmluZyBzZWNyZXQ';
const NOW = Date.parse('2026-11-02T15:00:00Z');
const TIMESTAMP = '2026-11-02T15:00:00Z';
const RAW = Buffer.from('{"event":"created","ticket":{"id":"123","title":"PrivateLink support for Acme"}}');

/** What Zendesk sends: base64(HMAC-SHA256(secret, timestamp + body)). */
function sign(secret: string, timestamp: string, body: Buffer): string {
  return createHmac('sha256', secret).update(timestamp).update(body).digest('base64');
}

const verify = (over: Partial<Parameters<typeof verifyZendeskSignature>[0]> = {}) =>
  verifyZendeskSignature({
    rawBody: RAW,
    signature: sign(SECRET, TIMESTAMP, RAW),
    timestamp: TIMESTAMP,
    secrets: [SECRET],
    nowMs: NOW,
    ...over,
  });

describe('the Zendesk signature', () => {
  it('accepts a delivery signed with the secret', () => {
    expect(verify()).toEqual({ ok: true });
    expect(verify({ nowMs: NOW + 299_000 })).toEqual({ ok: true });
  });

  it('refuses a body changed by one byte', () => {
    const tampered = Buffer.from(RAW);
    tampered.writeUInt8(tampered.readUInt8(tampered.length - 3) ^ 0x01, tampered.length - 3);
    expect(verify({ rawBody: tampered })).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) });
  });

  it('refuses the same JSON re-serialized with other whitespace: only the raw bytes verify', () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(RAW.toString()), null, 2));
    expect(verify({ rawBody: reserialized })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/raw bytes/),
    });
  });

  it('refuses a timestamp that is not the signed one', () => {
    expect(verify({ timestamp: '2026-11-02T15:00:01Z' }).ok).toBe(false);
  });

  it('refuses stale and future deliveries, even correctly signed, saying which', () => {
    const stale = verify({ nowMs: NOW + 301_000 });
    expect(stale).toMatchObject({ ok: false, reason: expect.stringMatching(/signed 301 s ago, more than the 300 s/) });
    expect(verify({ nowMs: NOW - 600_000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/future/) });
    expect(verify({ nowMs: NOW + 30_000, toleranceMs: 10_000 }).ok).toBe(false);
  });

  it('accepts the old and the new secret during a rotation', () => {
    const secrets = [SECRET, OLD_SECRET];
    expect(verify({ secrets, signature: sign(OLD_SECRET, TIMESTAMP, RAW) })).toEqual({ ok: true });
    expect(verify({ secrets, signature: sign(SECRET, TIMESTAMP, RAW) })).toEqual({ ok: true });
    expect(verify({ secrets: [SECRET], signature: sign(OLD_SECRET, TIMESTAMP, RAW) }).ok).toBe(false);
  });

  it('refuses a wrong secret, missing headers, a malformed signature and an unconfigured secret', () => {
    const verdicts = {
      wrongSecret: verify({ signature: sign('another-secret', TIMESTAMP, RAW) }),
      noSignature: verify({ signature: undefined }),
      noTimestamp: verify({ timestamp: '' }),
      absentTimestamp: verify({ timestamp: undefined }),
      badTimestamp: verify({ timestamp: 'yesterday', signature: sign(SECRET, 'yesterday', RAW) }),
      hexSignature: verify({ signature: createHmac('sha256', SECRET).update(TIMESTAMP).update(RAW).digest('hex') }),
      noSecrets: verify({ secrets: [''] }),
    };
    expect(verdicts.wrongSecret).toMatchObject({ ok: false, reason: expect.stringMatching(/does not match/) });
    expect(verdicts.noSignature).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/X-Zendesk-Webhook-Signature header/),
    });
    for (const verdict of [verdicts.noTimestamp, verdicts.absentTimestamp]) {
      expect(verdict).toMatchObject({ ok: false, reason: expect.stringMatching(/Signature-Timestamp header/) });
    }
    expect(verdicts.badTimestamp).toMatchObject({ ok: false, reason: expect.stringMatching(/ISO 8601/) });
    expect(verdicts.hexSignature).toMatchObject({ ok: false, reason: expect.stringMatching(/base64/) });
    expect(verdicts.noSecrets).toMatchObject({ ok: false, reason: expect.stringMatching(/no Zendesk signing secret/) });
    for (const verdict of Object.values(verdicts)) {
      expect(JSON.stringify(verdict)).not.toContain(SECRET);
    }
  });
});

/** A body as Zendesk renders the template: placeholders replaced by JSON-escaped ticket values. */
function render(template: string, values: Record<string, string>): unknown {
  const rendered = template.replace(/\{\{([^}]+)\}\}/g, (_, name: string) =>
    JSON.stringify(values[name] ?? '').slice(1, -1),
  );
  return JSON.parse(rendered);
}

const description = [
  'Hi, we need PrivateLink. "Urgent" \\ please',
  'Company: Acme',
  'Project ID: abcdef123456',
  'Environment: production',
  'Cloud: aws',
  'Region: us-east-1',
  'AWS account: 123456789012',
  'Services: mysql 3306, sftp 2222',
  'Connection type: unidirectional',
  'Preferred contact: email',
].join('\n');

const ticket = {
  'ticket.id': '123',
  'ticket.title': 'PrivateLink support for Acme',
  'ticket.description': description,
  'ticket.latest_public_comment': description,
  'ticket.created_at_with_timestamp': '2026-11-02T14:05Z',
  'ticket.updated_at_with_timestamp': '2026-11-02T14:05Z',
};

describe('the Zendesk trigger body', () => {
  it('is JSON with an event and every ticket placeholder inside strings', () => {
    const body = JSON.parse(ZENDESK_TRIGGER_BODY_TEMPLATE);
    expect(body).toEqual({
      event: 'created',
      ticket: {
        id: '{{ticket.id}}',
        title: '{{ticket.title}}',
        description: '{{ticket.description}}',
        latest_public_comment: '{{ticket.latest_public_comment}}',
        created_at: '{{ticket.created_at_with_timestamp}}',
        updated_at: '{{ticket.updated_at_with_timestamp}}',
      },
    });
  });

  it('as Zendesk renders it for a new ticket, gives the intake in the description', () => {
    const result = parseZendeskWebhook(render(ZENDESK_TRIGGER_BODY_TEMPLATE, ticket), { deliveryId: 'inv-1' });
    expect(result).toEqual({
      ok: true,
      value: {
        source: 'zendesk',
        kind: 'created',
        ticketId: 'ZD-123',
        deliveryId: 'inv-1',
        intake: {
          ticketId: 'ZD-123',
          subject: 'PrivateLink support for Acme',
          submittedAt: '2026-11-02T14:05:00Z',
          company: 'Acme',
          projectId: 'abcdef123456',
          environment: 'production',
          cloud: 'aws',
          region: 'us-east-1',
          customerAccount: '123456789012',
          services: [
            { name: 'mysql', port: 3306 },
            { name: 'sftp', port: 2222 },
          ],
          connectionType: 'unidirectional',
        },
        unknownKeys: ['Preferred contact'],
      },
    });
    expect(result.value?.ticketId).toMatch(TICKET_ID_PATTERN);
  });

  it('with custom ticket fields, lets them win over description lines and skips the empty ones', () => {
    const template = zendeskTriggerBody({
      event: 'created',
      ticketFields: { 'Project ID': 360001, region: 360002, cloud: 360003 },
    });
    expect(JSON.parse(template).intake).toEqual({
      projectId: '{{ticket.ticket_field_360001}}',
      region: '{{ticket.ticket_field_360002}}',
      cloud: '{{ticket.ticket_field_360003}}',
    });
    const result = parseZendeskWebhook(
      render(template, {
        ...ticket,
        'ticket.ticket_field_360001': 'eu0000000001',
        'ticket.ticket_field_360002': 'eu-west-1',
        'ticket.ticket_field_360003': '',
      }),
    );
    expect(result.value?.intake).toMatchObject({ projectId: 'eu0000000001', region: 'eu-west-1', cloud: 'aws' });
    expect(() => zendeskTriggerBody({ event: 'created', ticketFields: { colour: 1 } })).toThrow(/not an intake key/);
  });

  it('for an update, reads the latest public comment and not the description again', () => {
    const template = zendeskTriggerBody({ event: 'updated' });
    const result = parseZendeskWebhook(
      render(template, { ...ticket, 'ticket.latest_public_comment': 'Sorry, the region is\nRegion: eu-west-1' }),
    );
    expect(result.value).toMatchObject({ kind: 'updated', ticketId: 'ZD-123' });
    expect(result.value?.intake).toEqual({
      ticketId: 'ZD-123',
      subject: 'PrivateLink support for Acme',
      company: 'Acme',
      submittedAt: '2026-11-02T14:05:00Z',
      region: 'eu-west-1',
    });
  });

  it('ignores updates whose latest comment is ours or says nothing about the intake', () => {
    const template = zendeskTriggerBody({ event: 'updated' });
    const ours = `Service name: com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f67890\nRegion: us-east-1\n\n${commentFooter('privatelink-ZD-123/2')}`;
    expect(parseZendeskWebhook(render(template, { ...ticket, 'ticket.latest_public_comment': ours }))).toEqual({
      ok: true,
      ignored: expect.stringMatching(/no intake fields/),
    });
    expect(parseZendeskWebhook(render(template, { ...ticket, 'ticket.latest_public_comment': 'Thanks!' }))).toEqual({
      ok: true,
      ignored: expect.stringMatching(/no intake fields/),
    });
  });

  it('ignores tickets that are not PrivateLink requests, naming the trigger condition to add', () => {
    const result = parseZendeskWebhook(
      render(ZENDESK_TRIGGER_BODY_TEMPLATE, { ...ticket, 'ticket.title': 'Invoice question' }),
    );
    expect(result).toEqual({ ok: true, ignored: expect.stringMatching(/Subject text contains PrivateLink/) });
  });

  it('keeps a creation time it cannot read as written, for validation to report', () => {
    const result = parseZendeskWebhook(
      render(ZENDESK_TRIGGER_BODY_TEMPLATE, { ...ticket, 'ticket.created_at_with_timestamp': 'Nov 2' }),
    );
    expect(result.value?.intake.submittedAt).toBe('Nov 2');
  });

  it('names every problem of a body that is not the template', () => {
    expect(parseZendeskWebhook('hello')).toEqual({ ok: false, problems: [expect.stringMatching(/JSON object/)] });
    const result = parseZendeskWebhook({ event: 'deleted', ticket: { id: 'abc' }, intake: 'x' });
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.problems).toEqual([
      expect.stringMatching(/"event" must be "created" or "updated".*"deleted"/),
      expect.stringMatching(/"ticket.id" must be the Zendesk ticket number/),
      expect.stringMatching(/"intake", when present, must be an object/),
    ]);
    expect(parseZendeskWebhook({ event: 'created' })).toMatchObject({
      ok: false,
      problems: [expect.stringMatching(/"ticket" must be an object/)],
    });
  });

  it('never throws on any JSON, and every event it gives has a usable ticket id', () => {
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          event: fc.oneof(fc.constantFrom('created', 'updated'), fc.jsonValue()),
          ticket: fc.oneof(
            fc.record({
              id: fc.oneof(fc.nat().map(String), fc.jsonValue()),
              title: fc.oneof(fc.constant('PrivateLink support for X'), fc.jsonValue()),
              description: fc.oneof(fc.string(), fc.jsonValue()),
              latest_public_comment: fc.oneof(fc.string(), fc.jsonValue()),
              created_at: fc.oneof(fc.string(), fc.jsonValue()),
            }),
            fc.jsonValue(),
          ),
          intake: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        const result = parseZendeskWebhook(body);
        if (result.ok && result.value) {
          expect(result.value.ticketId).toMatch(TICKET_ID_PATTERN);
          expect(result.value.intake.ticketId).toBe(result.value.ticketId);
        }
        if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('Zendesk ticket ids', () => {
  it('map to ours and back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (n) => {
        const id = zendeskTicketId(n);
        expect(id).toMatch(TICKET_ID_PATTERN);
        expect(zendeskTicketNumber(id)).toBe(n);
      }),
    );
    expect(zendeskTicketNumber('PL-42')).toBeUndefined();
  });
});

describe('ticket date-times', () => {
  it.each([
    ['2013-12-12T05:35Z', '2013-12-12T05:35:00Z'],
    ['2026-11-02T10:00:00.000-0500', '2026-11-02T15:00:00Z'],
    ['2026-11-02T23:30:00+05:30', '2026-11-02T18:00:00Z'],
    ['2026-11-02 15:00:07Z', '2026-11-02T15:00:07Z'],
  ])('read %s as %s', (given, expected) => {
    expect(isoSeconds(given)).toBe(expected);
  });

  it.each(['2026-02-31T10:00Z', '2026-11-02T24:00Z', '2026-11-02T10:00', 'Nov 2, 2026'])('refuse %s', (given) => {
    expect(isoSeconds(given)).toBeUndefined();
  });
});

describe('the Zendesk signature, at its edges', () => {
  it('takes headers with blank space around them, and a signature without its padding', () => {
    const signature = sign(SECRET, TIMESTAMP, RAW);
    expect(verify({ signature: ` ${signature} `, timestamp: ` ${TIMESTAMP} ` })).toEqual({ ok: true });
    expect(verify({ signature: signature.replace(/=$/, '') })).toEqual({ ok: true });
    expect(verify({ signature: `${signature}=` })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/base64/),
    });
    expect(verify({ signature: `x${signature}` })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/base64/),
    });
    // A character that base64 decoding would skip is no part of a signature either.
    expect(verify({ signature: `.${signature}` })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/base64/),
    });
    expect(verify({ signature: signature.slice(1) })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/base64/),
    });
  });

  it('signs the timestamp as sent, before the body', () => {
    const body = Buffer.from('{}');
    expect(verify({ rawBody: body, signature: sign(SECRET, TIMESTAMP, body) })).toEqual({ ok: true });
    expect(verify({ rawBody: body, signature: sign(SECRET, '', Buffer.from(`${TIMESTAMP}{}`)) })).toEqual({ ok: true });
    expect(verify({ rawBody: body, signature: sign(SECRET, '', body) })).toMatchObject({ ok: false });
  });

  it('takes Unix seconds as the timestamp, 9 or 10 digits', () => {
    const seconds = String(NOW / 1000);
    expect(verify({ timestamp: seconds, signature: sign(SECRET, seconds, RAW) })).toEqual({ ok: true });
    const milliseconds = String(NOW);
    expect(verify({ timestamp: milliseconds, signature: sign(SECRET, milliseconds, RAW) })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/ISO 8601/),
    });
    const early = '999999999';
    expect(verify({ timestamp: early, signature: sign(SECRET, early, RAW), nowMs: 999_999_999_000 })).toEqual({
      ok: true,
    });
  });

  it('allows exactly the tolerance, and says how far off a delivery is and which way', () => {
    const at = (ms: number) => new Date(NOW + ms).toISOString().replace('.000Z', 'Z');
    const signedAt = (ms: number) => verify({ timestamp: at(ms), signature: sign(SECRET, at(ms), RAW) });
    expect(signedAt(-300_000)).toEqual({ ok: true });
    expect(signedAt(300_000)).toEqual({ ok: true });
    expect(signedAt(-301_000)).toEqual({
      ok: false,
      reason:
        'the request was signed 301 s ago, more than the 300 s allowed: a replayed or long-delayed delivery, or a wrong clock on this server',
    });
    expect(signedAt(301_000)).toMatchObject({
      reason: expect.stringMatching(/^the request was signed 301 s in the future, more than the 300 s/),
    });
    expect(verify({ toleranceMs: 60_000, nowMs: NOW + 61_000 })).toMatchObject({
      reason: expect.stringMatching(/signed 61 s ago, more than the 60 s allowed/),
    });
  });
});

describe('the Zendesk trigger body with ticket fields', () => {
  it('maps each intake key to its ticket field placeholder, and refuses what is neither', () => {
    expect(
      JSON.parse(zendeskTriggerBody({ event: 'updated', ticketFields: { 'Project ID': 360012345678, region: '42' } })),
    ).toEqual({
      event: 'updated',
      ticket: expect.objectContaining({ updated_at: '{{ticket.updated_at_with_timestamp}}' }),
      intake: { projectId: '{{ticket.ticket_field_360012345678}}', region: '{{ticket.ticket_field_42}}' },
    });
    expect(JSON.parse(zendeskTriggerBody({ event: 'created', ticketFields: {} }))).not.toHaveProperty('intake');
    expect(() => zendeskTriggerBody({ event: 'created', ticketFields: { Colour: 1 } })).toThrow(
      '"Colour" is not an intake key',
    );
    expect(() => zendeskTriggerBody({ event: 'created', ticketFields: { Region: '12a' } })).toThrow(
      '"12a" is not a Zendesk ticket field id',
    );
    expect(() => zendeskTriggerBody({ event: 'created', ticketFields: { Region: 'a12' } })).toThrow(
      '"a12" is not a Zendesk ticket field id',
    );
  });
});

describe('reading a Zendesk body, field by field', () => {
  const body = (over: Record<string, unknown> = {}, ticketOver: Record<string, unknown> = {}) => ({
    event: 'created',
    ticket: {
      id: 123,
      title: 'PrivateLink support for Acme',
      description: 'Region: us-east-1',
      created_at: '2026-11-02T14:05Z',
      ...ticketOver,
    },
    ...over,
  });

  it('takes the ticket number as a positive whole number or its digits, and nothing else', () => {
    expect(parseZendeskWebhook(body())).toMatchObject({ ok: true, value: { ticketId: 'ZD-123' } });
    expect(parseZendeskWebhook(body({}, { id: ' 123 ' }))).toMatchObject({ ok: true, value: { ticketId: 'ZD-123' } });
    for (const id of [0, -5, 1.5, 2 ** 53, 'ZD-123', 'zd-123', ' ZD-123', '12a', '', null, true]) {
      expect(parseZendeskWebhook(body({}, { id }))).toEqual({
        ok: false,
        problems: [`"ticket.id" must be the Zendesk ticket number, "{{ticket.id}}" (got ${JSON.stringify(id)})`],
      });
    }
  });

  it('takes no intake or a null one, and names one that is no object', () => {
    expect(parseZendeskWebhook(body({ intake: null }))).toMatchObject({ ok: true });
    expect(parseZendeskWebhook(body({ intake: ['x'] }))).toEqual({
      ok: false,
      problems: ['"intake", when present, must be an object of intake fields'],
    });
  });

  it('reads a title or time given as a number, and no unrendered or blank placeholder', () => {
    expect(parseZendeskWebhook(body({}, { description: '{{ticket.description}}', created_at: '  ' }))).toEqual({
      ok: true,
      value: {
        source: 'zendesk',
        kind: 'created',
        ticketId: 'ZD-123',
        intake: { company: 'Acme', subject: 'PrivateLink support for Acme', ticketId: 'ZD-123' },
      },
    });
    expect(parseZendeskWebhook(body({}, { title: 12345 }))).toMatchObject({
      ok: true,
      ignored: expect.stringMatching(/subject "12345"/),
    });
    expect(parseZendeskWebhook(body({}, { created_at: '{{ticket.created_at_with_timestamp}}' }))).toMatchObject({
      ok: true,
      value: { intake: { ticketId: 'ZD-123' } },
    });
    expect(
      parseZendeskWebhook(body({}, { created_at: '{{ticket.created_at_with_timestamp}}' })).value?.intake,
    ).not.toHaveProperty('submittedAt');
  });

  it('reads a description that only contains a placeholder, and names a blank subject as nothing', () => {
    for (const description of ['Region: us-east-1\nSee {{ticket.url}}', '{{ticket.brand}}\nRegion: us-east-1']) {
      expect(parseZendeskWebhook(body({}, { description })).value?.intake.region).toBe('us-east-1');
    }
    expect(parseZendeskWebhook(body({}, { title: '  ' }))).toEqual({
      ok: true,
      ignored:
        'ticket ZD-123 is not a PrivateLink request (subject nothing); add the condition "Subject text contains PrivateLink" to the trigger',
    });
  });

  it('carries the delivery id and the unknown keys only when there are some', () => {
    const plain = parseZendeskWebhook(body());
    expect(plain.value).not.toHaveProperty('deliveryId');
    expect(plain.value).not.toHaveProperty('unknownKeys');
    expect(parseZendeskWebhook(body({}, { description: 'Colour: red' }), { deliveryId: 'd-1' }).value).toMatchObject({
      deliveryId: 'd-1',
      unknownKeys: ['Colour'],
    });
  });

  it('reads an update from its latest public comment, never from the description', () => {
    const update = parseZendeskWebhook(body({ event: 'updated' }, { latest_public_comment: 'Cloud: aws' }));
    expect(update.value?.intake).toEqual({
      company: 'Acme',
      subject: 'PrivateLink support for Acme',
      cloud: 'aws',
      ticketId: 'ZD-123',
      submittedAt: '2026-11-02T14:05:00Z',
    });
    expect(
      parseZendeskWebhook(body({ event: 'updated' }, { latest_public_comment: '{{ticket.latest_public_comment}}' })),
    ).toEqual({
      ok: true,
      ignored: 'the update of ticket ZD-123 carries no intake fields',
    });
  });
});
