/** The console's pure parts: escaping, the step list, and each event's form read from the API's schemas. */
import { checkEvent, eventTypes } from '../../src/domain/events';
import { eventForm, eventFromForm, problemsByField } from '../../src/console/forms';
import { escapeHtml, html, raw } from '../../src/console/html';
import { pathSteps, stateLabels } from '../../src/console/steps';
import { machines } from '../../src/machines/host';

describe('html', () => {
  it('escapes every value, in text and in attributes, and keeps only its own markup', () => {
    const evil = `"><script>alert('x')</script>&`;
    expect(html`<a title="${evil}">${evil}</a>`.text).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a>',
    );
    expect(html`<p>${html`<b>${'<i>'}</b>`}</p>`.text).toBe('<p><b>&lt;i&gt;</b></p>');
    expect(html`${[1, '<', raw('<br>')]}${null}${undefined}${false}`.text).toBe('1&lt;<br>');
    expect(html`${{ a: '<b>' }}`.text).toBe(escapeHtml('{"a":"<b>"}'));
  });
});

describe('the step list', () => {
  it('names every state of every machine in words', () => {
    for (const machine of Object.values(machines)) {
      for (const state of Object.keys(machine.states)) expect(stateLabels[state]).toBeDefined();
    }
  });

  it('marks the steps before the current one done and folds side states into their step', () => {
    const steps = pathSteps('unidirectional', 'customerTroubleshooting');
    expect(steps.map((s) => s.state)).toEqual([
      'validatingIntake',
      'allowlisting',
      'awaitingEndpoint',
      'reviewingConnection',
      'openingPorts',
      'verifyingConnection',
      'enabled',
    ]);
    expect(steps.map((s) => s.progress)).toEqual(['done', 'done', 'done', 'done', 'done', 'current', 'todo']);
    expect(steps[5]).toMatchObject({ detail: 'Customer troubleshoots', waitsOn: 'customer' });
  });

  it('shows an enabled connection at its last step, and a removed one past it', () => {
    expect(pathSteps('unidirectional', 'active').at(-1)).toMatchObject({ state: 'enabled', progress: 'current' });
    const removed = pathSteps('bidirectional', 'removed');
    expect(removed.slice(-2).map((s) => [s.state, s.progress])).toEqual([
      ['enabled', 'done'],
      ['removed', 'current'],
    ]);
  });

  it('ends a rejected request with its end, and shows the reverse path its own steps', () => {
    const rejected = pathSteps('unidirectional', 'rejected');
    expect(rejected.at(-1)).toMatchObject({ state: 'rejected', progress: 'current' });
    expect(rejected.map((s) => s.state)).not.toContain('enabled');
    expect(pathSteps('reverse', 'awaitingReverseApproval').map((s) => s.state)).toEqual([
      'validatingIntake',
      'awaitingPrincipalGrant',
      'creatingVendorEndpoint',
      'awaitingReverseApproval',
      'verifyingReverseConnection',
      'enabled',
    ]);
    expect(pathSteps('unidirectional', 'awaitingInformation')[0]).toMatchObject({
      progress: 'current',
      detail: 'Waiting for missing information',
    });
  });
});

describe("each event's form", () => {
  it('has a heading and a button in words for every event type', () => {
    for (const type of eventTypes) {
      const form = eventForm(type);
      expect(form.title).not.toBe(type);
      expect(form.verb).not.toBe('Record');
    }
  });

  it("asks for the event's required fields, as the API's schema says", () => {
    const form = eventForm('vendor_endpoint.created');
    expect(form.fields.filter((f) => f.required).map((f) => f.name)).toEqual(['endpointId', 'endpointDns']);
    expect(eventForm('connection.failed').fields.find((f) => f.name === 'failingSide')).toMatchObject({
      control: 'select',
      options: ['vendor', 'customer'],
    });
    expect(eventForm('connection.rejected').irreversible).toBe(true);
    expect(eventForm('connection.approved').irreversible).toBe(false);
  });

  it('turns the values into the event the API takes, leaving empty fields out', () => {
    const built = eventFromForm(eventForm('endpoint.requested'), {
      endpointId: ' vpce-0a1b2c3d4e5f67890 ',
      endpointDns: '',
      comment: 'from the console',
    });
    expect(built).toEqual({
      ok: true,
      body: { type: 'endpoint.requested', endpointId: 'vpce-0a1b2c3d4e5f67890', comment: 'from the console' },
    });
    if (built.ok) expect(checkEvent({ ...built.body, actor: 'me' }).ok).toBe(true);
  });

  it("builds a change from its kind and the kind's fields", () => {
    const built = eventFromForm(eventForm('change.requested'), {
      changeTicketId: 'T-2001',
      'change.kind': 'change_account',
      'change.customerAccount': '210987654321',
    });
    expect(built).toMatchObject({
      ok: true,
      body: { changeTicketId: 'T-2001', change: { kind: 'change_account', customerAccount: '210987654321' } },
    });
    if (built.ok) expect(checkEvent({ ...built.body, actor: 'me' }).ok).toBe(true);
  });

  it('says which JSON field does not parse, and sorts the API problems to their fields', () => {
    expect(eventFromForm(eventForm('ticket.updated'), { intake: '{not json' })).toEqual({
      ok: false,
      problems: { intake: 'must be JSON, e.g. {"company": "Acme"}' },
    });
    expect(
      problemsByField(eventForm('vendor_endpoint.created'), ['endpointDns: must not be empty', 'type: something else']),
    ).toEqual({ fields: { endpointDns: 'must not be empty' }, other: ['type: something else'] });
  });
});
