import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { validateIntake } from '../../src/domain/intake';
import { commentFooter } from '../../src/ticket-systems/comment-ref';
import { parseJiraWebhook, verifyJiraSignature } from '../../src/webhooks/jira';
import { TICKET_ID_PATTERN } from '../../src/domain/ticket';
import { exampleVendorConfig } from '../fixtures/requests';

const SECRET = 'jira-webhook-secret-A1b2C3d4';
const OLD_SECRET = 'jira-webhook-secret-old-Z9y8';

/** What Jira Cloud sends for a webhook registered with a secret. */
function sign(secret: string, body: Buffer, method = 'sha256'): string {
  return `${method}=${createHmac(method, secret).update(body).digest('hex')}`;
}

const paragraph = (...texts: string[]) => ({
  type: 'paragraph',
  content: texts.flatMap((text, i) => [...(i ? [{ type: 'hardBreak' }] : []), { type: 'text', text }]),
});
const adf = (...content: unknown[]) => ({ type: 'doc', version: 1, content });

const adfDescription = adf(
  paragraph('Hello, please enable PrivateLink.'),
  paragraph('Company: Acme', 'Project ID: abcdef123456', 'Environment: Production'),
  {
    type: 'paragraph',
    content: [
      { type: 'text', text: 'Cloud: ', marks: [{ type: 'strong' }] },
      { type: 'text', text: 'aws' },
    ],
  },
  paragraph('Region: us-east-1', 'AWS account: 123456789012', 'Connection type: unidirectional'),
  paragraph('Services:'),
  {
    type: 'bulletList',
    content: [
      { type: 'listItem', content: [paragraph('mysql 3306')] },
      { type: 'listItem', content: [paragraph('sftp 2222')] },
    ],
  },
  paragraph('Thanks, ', 'Jane'),
);

function issueEvent(webhookEvent: string, fields: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    timestamp: 1_793_718_000_000,
    webhookEvent,
    issue_event_type_name: webhookEvent === 'jira:issue_created' ? 'issue_created' : 'issue_generic',
    user: { accountId: '557058:customer', displayName: 'Jane' },
    issue: {
      id: '10042',
      self: 'https://acme.atlassian.net/rest/api/2/10042',
      key: 'PL-42',
      fields: {
        summary: 'PrivateLink support for Acme',
        description: adfDescription,
        created: '2026-11-02T10:00:00.000-0500',
        updated: '2026-11-02T10:00:00.000-0500',
        ...fields,
      },
    },
    ...extra,
  };
}

describe('the Jira signature', () => {
  const raw = Buffer.from(JSON.stringify(issueEvent('jira:issue_created')));

  it('accepts a delivery signed with the secret (sha256, or another WebSub method)', () => {
    expect(verifyJiraSignature({ rawBody: raw, signature: sign(SECRET, raw), secrets: [SECRET] })).toEqual({
      ok: true,
    });
    expect(verifyJiraSignature({ rawBody: raw, signature: sign(SECRET, raw, 'sha512'), secrets: [SECRET] })).toEqual({
      ok: true,
    });
    expect(
      verifyJiraSignature({
        rawBody: raw,
        signature: sign(SECRET, raw).toUpperCase().replace('SHA256', 'sha256'),
        secrets: [SECRET],
      }),
    ).toEqual({ ok: true });
  });

  it('refuses a body changed by one byte, or re-serialized', () => {
    const tampered = Buffer.from(raw);
    tampered.writeUInt8(tampered.readUInt8(10) ^ 0x20, 10);
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString()), null, 1));
    for (const body of [tampered, reserialized]) {
      expect(verifyJiraSignature({ rawBody: body, signature: sign(SECRET, raw), secrets: [SECRET] })).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/does not match/),
      });
    }
  });

  it('accepts the old and the new secret during a rotation, and refuses any other', () => {
    const secrets = [SECRET, OLD_SECRET];
    expect(verifyJiraSignature({ rawBody: raw, signature: sign(OLD_SECRET, raw), secrets }).ok).toBe(true);
    expect(verifyJiraSignature({ rawBody: raw, signature: sign(SECRET, raw), secrets }).ok).toBe(true);
    expect(verifyJiraSignature({ rawBody: raw, signature: sign('guess', raw), secrets }).ok).toBe(false);
  });

  it('explains a missing, malformed, weak or unconfigured signature without quoting the secret', () => {
    const verdicts = [
      verifyJiraSignature({ rawBody: raw, secrets: [SECRET] }),
      verifyJiraSignature({ rawBody: raw, signature: 'deadbeef', secrets: [SECRET] }),
      verifyJiraSignature({ rawBody: raw, signature: sign(SECRET, raw, 'sha1'), secrets: [SECRET] }),
      verifyJiraSignature({ rawBody: raw, signature: 'sha256=abcd', secrets: [SECRET] }),
      verifyJiraSignature({ rawBody: raw, signature: sign(SECRET, raw), secrets: [] }),
    ];
    expect(verdicts.map((v) => (v.ok ? 'ok' : v.reason))).toEqual([
      expect.stringMatching(/missing X-Hub-Signature.*registered with a secret/),
      expect.stringMatching(/must look like "sha256=<hex digest>"/),
      expect.stringMatching(/"sha1"; only sha256, sha384 and sha512/),
      expect.stringMatching(/wrong length/),
      expect.stringMatching(/no Jira webhook secret is configured/),
    ]);
    for (const v of verdicts) expect(JSON.stringify(v)).not.toContain(SECRET);
  });
});

describe('a Jira issue event', () => {
  it('issue_created with an ADF description gives an intake that validates', () => {
    const result = parseJiraWebhook(issueEvent('jira:issue_created'), { deliveryId: 'd-1' });
    expect(result).toEqual({
      ok: true,
      value: {
        source: 'jira',
        kind: 'created',
        ticketId: 'PL-42',
        deliveryId: 'd-1',
        intake: {
          ticketId: 'PL-42',
          subject: 'PrivateLink support for Acme',
          submittedAt: '2026-11-02T15:00:00Z',
          company: 'Acme',
          projectId: 'abcdef123456',
          environment: 'Production',
          cloud: 'aws',
          region: 'us-east-1',
          customerAccount: '123456789012',
          connectionType: 'unidirectional',
          services: [
            { name: 'mysql', port: 3306 },
            { name: 'sftp', port: 2222 },
          ],
        },
      },
    });
    expect(validateIntake(result.value?.intake, exampleVendorConfig()).kind).toBe('valid');
  });

  it('issue_created with a plain-text (wiki markup) description reads the same lines', () => {
    const result = parseJiraWebhook(
      issueEvent('jira:issue_created', {
        description: '*Region:* eu-west-1\n* Services: mysql 3306\n*Project ID*: eu0000000001',
      }),
    );
    expect(result.value?.intake).toMatchObject({
      region: 'eu-west-1',
      services: [{ name: 'mysql', port: 3306 }],
      projectId: 'eu0000000001',
    });
  });

  it('issue_created without a description still starts a request named by its summary', () => {
    const result = parseJiraWebhook(issueEvent('jira:issue_created', { description: null }));
    expect(result.value?.intake).toEqual({
      ticketId: 'PL-42',
      subject: 'PrivateLink support for Acme',
      company: 'Acme',
      submittedAt: '2026-11-02T15:00:00Z',
    });
  });

  it('custom fields win over description lines', () => {
    const result = parseJiraWebhook(
      issueEvent('jira:issue_created', {
        customfield_10050: {
          self: 'https://acme.atlassian.net/rest/api/3/customFieldOption/1',
          value: 'eu-west-1',
          id: '1',
        },
        customfield_10051: 'eu0000000001',
        customfield_10052: null,
      }),
      { customFields: { customfield_10050: 'Region', customfield_10051: 'projectId', customfield_10052: 'Cloud' } },
    );
    expect(result.value?.intake).toMatchObject({ region: 'eu-west-1', projectId: 'eu0000000001', cloud: 'aws' });
  });

  it('issue_updated re-reads the description only when the changelog says it changed', () => {
    const changed = parseJiraWebhook(
      issueEvent(
        'jira:issue_updated',
        { description: 'Region: eu-west-1' },
        {
          changelog: { id: '1', items: [{ field: 'description', fieldtype: 'jira', fieldId: 'description' }] },
        },
      ),
    );
    expect(changed.value).toMatchObject({ kind: 'updated', intake: { region: 'eu-west-1' } });

    const unrelated = parseJiraWebhook(
      issueEvent(
        'jira:issue_updated',
        { description: 'Region: eu-west-1' },
        {
          changelog: { id: '2', items: [{ field: 'status', fieldtype: 'jira', fromString: 'Open', toString: 'Done' }] },
        },
      ),
    );
    expect(unrelated).toEqual({ ok: true, ignored: expect.stringMatching(/carries no intake fields/) });
  });

  it('issue_updated with a customer comment reads its lines; one of our own comments is ignored', () => {
    const customer = parseJiraWebhook(
      issueEvent(
        'jira:issue_updated',
        {},
        {
          issue_event_type_name: 'issue_commented',
          comment: {
            id: '100',
            author: { accountId: '557058:customer' },
            body: adf(paragraph('Private DNS: no', 'AWS account: 210987654321')),
          },
        },
      ),
    );
    expect(customer.value?.intake).toMatchObject({ privateDns: false, customerAccount: '210987654321' });
    expect(customer.value?.intake).not.toHaveProperty('projectId');

    const ours = parseJiraWebhook(
      issueEvent(
        'jira:issue_updated',
        {},
        {
          comment: {
            id: '101',
            body: adf(paragraph('Region: us-east-1'), paragraph(commentFooter('privatelink-PL-42/3'))),
          },
        },
      ),
    );
    expect(ours).toEqual({ ok: true, ignored: expect.stringMatching(/carries no intake fields/) });
  });

  it('acknowledges other events and non-PrivateLink issues as ignored, not as errors', () => {
    expect(parseJiraWebhook({ webhookEvent: 'comment_created', comment: {} })).toEqual({
      ok: true,
      ignored: expect.stringMatching(/"comment_created" is not used/),
    });
    expect(parseJiraWebhook(issueEvent('jira:issue_created', { summary: 'Laptop broken' }))).toEqual({
      ok: true,
      ignored: expect.stringMatching(/not a PrivateLink request.*JQL/),
    });
  });

  it('names the problem with a body that is not a Jira issue event', () => {
    expect(parseJiraWebhook([1, 2])).toEqual({ ok: false, problems: [expect.stringMatching(/no "webhookEvent"/)] });
    expect(parseJiraWebhook({ webhookEvent: 'jira:issue_created' })).toEqual({
      ok: false,
      problems: [expect.stringMatching(/"issue" must be the issue object/)],
    });
    const badKey = issueEvent('jira:issue_created');
    badKey.issue.key = 'not a key';
    expect(parseJiraWebhook(badKey)).toEqual({
      ok: false,
      problems: [expect.stringMatching(/"issue.key" must be a Jira issue key/)],
    });
  });

  it('never throws on any JSON, and every event it gives has a usable ticket id', () => {
    const adfNode: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        fc.record({ type: fc.constant('text'), text: fc.oneof(fc.string(), fc.jsonValue()) }),
        fc.record({ type: fc.constantFrom('hardBreak', 'mention', 'emoji'), attrs: fc.jsonValue() }),
        fc.record({
          type: fc.constantFrom('doc', 'paragraph', 'bulletList', 'listItem', 'table', 'tableRow', 'panel', 'x'),
          content: fc.oneof(fc.array(tie('node'), { maxLength: 4 }), fc.jsonValue()),
        }),
      ),
    })).node;
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          webhookEvent: fc.oneof(fc.constantFrom('jira:issue_created', 'jira:issue_updated'), fc.jsonValue()),
          issue: fc.oneof(
            fc.record({
              key: fc.oneof(fc.constant('PL-1'), fc.jsonValue()),
              fields: fc.oneof(
                fc.record({
                  summary: fc.oneof(fc.constant('PrivateLink support for X'), fc.jsonValue()),
                  description: fc.oneof(
                    adfNode.map((n) => ({ type: 'doc', content: [n] })),
                    fc.string(),
                    fc.jsonValue(),
                  ),
                  created: fc.oneof(fc.string(), fc.jsonValue()),
                }),
                fc.jsonValue(),
              ),
            }),
            fc.jsonValue(),
          ),
          changelog: fc.jsonValue(),
          comment: fc.oneof(fc.record({ body: adfNode }), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(bodies, (body) => {
        const result = parseJiraWebhook(body, { customFields: { customfield_1: 'Region' } });
        if (result.ok && result.value) {
          expect(result.value.ticketId).toMatch(TICKET_ID_PATTERN);
          expect(result.value.intake.ticketId).toBe(result.value.ticketId);
        }
        if (!result.ok) expect(result.problems.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('the Jira signature, at its edges', () => {
  const body = Buffer.from('{"webhookEvent":"jira:issue_created"}');

  it('ignores empty secrets, takes the header with blank space around it and the method in any case', () => {
    expect(verifyJiraSignature({ rawBody: body, signature: ` ${sign(SECRET, body)} `, secrets: ['', SECRET] })).toEqual(
      { ok: true },
    );
    expect(
      verifyJiraSignature({
        rawBody: body,
        signature: sign(SECRET, body).replace('sha256', 'SHA256'),
        secrets: [SECRET],
      }),
    ).toEqual({
      ok: true,
    });
    expect(verifyJiraSignature({ rawBody: body, signature: sign(SECRET, body), secrets: [''] })).toEqual({
      ok: false,
      reason: "no Jira webhook secret is configured: use the secret set on the webhook in Jira's System > WebHooks",
    });
  });

  it('refuses anything around the header, a method it does not take, and a digest of the wrong length', () => {
    const good = sign(SECRET, body);
    const shape = { ok: false, reason: 'X-Hub-Signature must look like "sha256=<hex digest>"' };
    expect(verifyJiraSignature({ rawBody: body, signature: `x ${good}`, secrets: [SECRET] })).toEqual(shape);
    expect(verifyJiraSignature({ rawBody: body, signature: `${good} x`, secrets: [SECRET] })).toEqual(shape);
    expect(verifyJiraSignature({ rawBody: body, signature: sign(SECRET, body, 'sha1'), secrets: [SECRET] })).toEqual({
      ok: false,
      reason: 'X-Hub-Signature uses "sha1"; only sha256, sha384 and sha512 are accepted',
    });
    expect(verifyJiraSignature({ rawBody: body, signature: `${good}00`, secrets: [SECRET] })).toEqual({
      ok: false,
      reason: 'X-Hub-Signature is not a sha256 digest (wrong length)',
    });
  });
});

describe('a Jira issue event, field by field', () => {
  const issue = (fields: Record<string, unknown> = {}, key: unknown = 'PL-42') => ({
    key,
    fields: { summary: 'PrivateLink support for Acme', created: '2026-11-02T10:00:00.000-0500', ...fields },
  });
  const created = (fields?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    webhookEvent: 'jira:issue_created',
    issue: issue(fields),
    ...extra,
  });

  it('names an event it does not use, cut to 80 characters', () => {
    expect(parseJiraWebhook({ webhookEvent: `jira:${'x'.repeat(100)}` })).toEqual({
      ok: true,
      ignored: `Jira event "jira:${'x'.repeat(75)}" is not used; only "jira:issue_created" and "jira:issue_updated" are`,
    });
  });

  it('takes an issue key with blank space around it, and names a bad or missing one', () => {
    expect(parseJiraWebhook({ webhookEvent: 'jira:issue_created', issue: issue({}, ' PL-42 ') })).toMatchObject({
      ok: true,
      value: { ticketId: 'PL-42' },
    });
    expect(parseJiraWebhook({ webhookEvent: 'jira:issue_created', issue: issue({}, 42) })).toEqual({
      ok: false,
      problems: ['"issue.key" must be a Jira issue key such as PL-42 (got 42)'],
    });
    expect(parseJiraWebhook({ webhookEvent: 'jira:issue_created', issue: issue({}, 'pl 42') })).toEqual({
      ok: false,
      problems: ['"issue.key" must be a Jira issue key such as PL-42 (got "pl 42")'],
    });
  });

  it('reads the summary trimmed, and the creation time in UTC, keeping one it cannot read as written', () => {
    expect(parseJiraWebhook(created({ summary: '  PrivateLink support for Acme  ' })).value?.intake).toEqual({
      company: 'Acme',
      subject: 'PrivateLink support for Acme',
      ticketId: 'PL-42',
      submittedAt: '2026-11-02T15:00:00Z',
    });
    expect(parseJiraWebhook(created({ created: 'yesterday' })).value?.intake.submittedAt).toBe('yesterday');
    expect(parseJiraWebhook(created({ created: 12 })).value?.intake).not.toHaveProperty('submittedAt');
  });

  it('reads custom fields: option objects, lists of them, ADF, and skips empty ones', () => {
    const parsed = parseJiraWebhook(
      created({
        customfield_1: { value: 'aws', id: '10001' },
        customfield_2: [{ value: 'a' }, { name: 'b' }, { key: 'c' }, { other: 'd' }, 5],
        customfield_3: adf(paragraph('abcdef123456')),
        customfield_4: null,
        customfield_5: { id: 'no text' },
        customfield_6: 'us-east-1',
      }),
      {
        customFields: {
          customfield_1: 'Cloud',
          customfield_2: 'Azure subscription IDs',
          customfield_3: 'Project ID',
          customfield_4: 'Company',
          customfield_5: 'Environment',
          customfield_6: 'Region',
          customfield_7: 'Subject',
        },
      },
    );
    expect(parsed.value?.intake).toEqual({
      company: 'Acme',
      subject: 'PrivateLink support for Acme',
      cloud: 'aws',
      azure: { subscriptionIds: ['a', 'b', 'c'] },
      projectId: 'abcdef123456',
      region: 'us-east-1',
      ticketId: 'PL-42',
      submittedAt: '2026-11-02T15:00:00Z',
    });
  });

  it('reads an update whose changelog names the description by field or by id, or that renames the summary', () => {
    const updated = (changelog: unknown) =>
      parseJiraWebhook({
        webhookEvent: 'jira:issue_updated',
        issue: issue({ description: 'Region: us-east-1' }),
        changelog,
      });
    expect(updated({ items: [{ fieldId: 'description' }] }).value?.intake.region).toBe('us-east-1');
    expect(updated({ items: [{ field: 'description' }] }).value?.intake.region).toBe('us-east-1');
    expect(updated({ items: [{ field: 'status' }, { field: 'description' }] }).value?.intake.region).toBe('us-east-1');
    expect(updated({ items: ['description', { field: 'status' }] })).toEqual({
      ok: true,
      ignored: 'the update of issue PL-42 carries no intake fields',
    });
    expect(updated({ items: 'description' })).toMatchObject({ ignored: expect.any(String) });
    expect(updated({ items: [{ field: 'summary' }] })).toMatchObject({ ok: true, value: { kind: 'updated' } });
    expect(updated({ items: [{ field: 'summary' }] }).value?.intake).not.toHaveProperty('region');
  });

  it("reads an update's comment only on an update, and carries delivery id and unknown keys only when present", () => {
    const comment = { body: 'Cloud: aws\nColour: red' };
    expect(parseJiraWebhook(created({}, { comment })).value?.intake).not.toHaveProperty('cloud');
    const update = parseJiraWebhook(
      { webhookEvent: 'jira:issue_updated', issue: issue(), comment },
      { deliveryId: 'd-9' },
    );
    expect(update.value).toMatchObject({ intake: { cloud: 'aws' }, deliveryId: 'd-9', unknownKeys: ['Colour'] });
    const plain = parseJiraWebhook(created());
    expect(plain.value).not.toHaveProperty('deliveryId');
    expect(plain.value).not.toHaveProperty('unknownKeys');
  });
});
