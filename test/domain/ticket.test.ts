import { reservedActorProblem, ticketSystemActor } from '../../src/domain/actors';
import { isTicketId, submissionEventId, TICKET_ID_RULE } from '../../src/domain/ticket';

describe('ticket ids', () => {
  it.each(['T-1001', 'ZD-12345', 'PL-42', 'a', 'x'.repeat(64), 'v1.2_3-4', '0'])('accepts %j', (id) => {
    expect(isTicketId(id)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['65 characters', 'x'.repeat(65)],
    ['a space', 'T 1001'],
    ['a slash (it would change a URL path)', 'T/1001'],
    ['a newline after a valid id', 'T-1001\n'],
    ['a newline before a valid id', '\nT-1001'],
    ['a colon', 'T:1'],
    ['a non-ASCII letter', 'T-1001é'],
    ['a number, not a string', 1001],
    ['nothing', undefined],
  ])('refuses %s', (_name, id) => {
    expect(isTicketId(id)).toBe(false);
  });

  it('says its rule in words', () => {
    expect(TICKET_ID_RULE).toBe("must be 1 to 64 letters, digits, '.', '_' or '-'");
  });

  it('gives each ticket one submission key, whoever sends its creation, and different tickets different keys', () => {
    expect(submissionEventId('T-1001')).toBe('ticket.submitted:T-1001');
    expect(submissionEventId('T-1002')).not.toBe(submissionEventId('T-1001'));
  });
});

describe('a ticket system as an actor', () => {
  it.each(['zendesk', 'jira'])("records %s's verified webhook under a name no person or token may take", (source) => {
    expect(ticketSystemActor(source)).toBe(`ticket-system:${source}`);
    expect(reservedActorProblem(ticketSystemActor(source))).toBe(
      'starts with "ticket-system:", which the product records for its own actions; give the holder a name of their own',
    );
  });
});
