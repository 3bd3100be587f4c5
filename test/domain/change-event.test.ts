/**
 * `change.requested` and `change.cancelled` as they arrive (docs/lifecycle.md "Asking for a change"): every bad or
 * oversized field is refused with the field named and the rule, before the request sees it.
 */
import { checkEvent } from '../../src/domain/events';
import { limits } from '../../src/domain/limits';

const base = { type: 'change.requested', actor: 'alice@vendor.example', changeTicketId: 'T-2001' };
const problemsOf = (event: object) => {
  const check = checkEvent(event);
  return check.ok ? [] : check.problems;
};

describe('change.requested, refused with the field and the rule', () => {
  it.each([
    [
      'a change ticket id that is no ticket id',
      { ...base, changeTicketId: 'T 2001/x', change: { kind: 'remove' } },
      "changeTicketId: must be a ticket id: must be 1 to 64 letters, digits, '.', '_' or '-'",
    ],
    [
      'a change ticket id of 65 characters',
      { ...base, changeTicketId: 'T'.repeat(65), change: { kind: 'remove' } },
      "changeTicketId: must be a ticket id: must be 1 to 64 letters, digits, '.', '_' or '-'",
    ],
    [
      'no change',
      { ...base },
      'change: must name a change: kind remove, change_account, add_service, remove_service or troubleshoot',
    ],
    [
      'a change that is text',
      { ...base, change: 'remove' },
      'change: must name a change: kind remove, change_account, add_service, remove_service or troubleshoot',
    ],
    [
      'an account over its limit',
      { ...base, change: { kind: 'change_account', customerAccount: '1'.repeat(limits.identifierBytes + 1) } },
      `change.customerAccount: must be at most 512 bytes (got 513 bytes)`,
    ],
    [
      'a service name over its limit',
      { ...base, change: { kind: 'add_service', customerServiceName: 's'.repeat(limits.identifierBytes + 1) } },
      `change.customerServiceName: must be at most 512 bytes (got 513 bytes)`,
    ],
    [
      'more services than a request may open',
      {
        ...base,
        change: {
          kind: 'add_service',
          customerServiceName: 'com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210',
          services: Array.from({ length: limits.servicesPerRequest + 1 }, (_, i) => ({ name: 'p', port: 1000 + i })),
        },
      },
      `change.services: may list at most ${limits.servicesPerRequest} services`,
    ],
    [
      'a port out of range',
      {
        ...base,
        change: { kind: 'add_service', customerServiceName: 'x', services: [{ name: 'p', port: 70000 }] },
      },
      'change.services[0].port: must be 1 to 65535',
    ],
    [
      'a field the kind does not take',
      { ...base, change: { kind: 'remove', customerAccount: '210987654321' } },
      'change.customerAccount: is not a field of change.requested',
    ],
    [
      'a submission time that is no ISO 8601 instant',
      { ...base, change: { kind: 'remove' }, submittedAt: 'yesterday' },
      'submittedAt: must be an ISO 8601 date-time with an offset, e.g. 2026-11-02T15:00:00Z',
    ],
  ])('%s', (_what, event, problem) => {
    expect(problemsOf(event)).toContain(problem);
  });

  it('takes each kind at its limits', () => {
    for (const change of [
      { kind: 'remove' },
      { kind: 'change_account', customerAccount: '1'.repeat(limits.identifierBytes) },
      {
        kind: 'add_service',
        customerServiceName: 's'.repeat(limits.identifierBytes),
        services: Array.from({ length: limits.servicesPerRequest }, (_, i) => ({ name: 'p', port: 1000 + i })),
      },
      { kind: 'remove_service', customerServiceName: 's' },
      { kind: 'troubleshoot', details: 'd'.repeat(limits.reasonBytes) },
    ]) {
      expect(
        checkEvent({ ...base, changeTicketId: 'T'.repeat(64), change, submittedAt: '2026-11-02T15:00:00Z' }),
      ).toMatchObject({ ok: true });
    }
  });
});

describe('change.cancelled', () => {
  it('needs a reason, within its limit', () => {
    const cancel = { type: 'change.cancelled', actor: 'alice@vendor.example' };
    expect(problemsOf(cancel)).toEqual(['reason: is required: why the change is cancelled']);
    expect(problemsOf({ ...cancel, reason: 'r'.repeat(limits.reasonBytes + 1) })).toEqual([
      'reason: must be at most 2,000 bytes (got 2,001 bytes)',
    ]);
  });
});
