import { customerProblemLine, editDistance, ticketWordsFor } from '../../src/domain/ticket-words';

describe("the ticket's words for an intake field", () => {
  it.each([
    ['(intake)', undefined, 'Your request'],
    ['projectId', undefined, 'Project ID'],
    ['services', undefined, 'Services'],
    ['services[0]', undefined, 'Services (entry 1)'],
    ['services[1].port', undefined, 'Services (entry 2, port)'],
    ['services[11].name', undefined, 'Services (entry 12, name)'],
    ['reverseServices[2].port', undefined, 'Your service ports (entry 3, port)'],
    ['azure.subscriptionIds[0]', undefined, 'Azure subscription IDs (entry 1)'],
    ['azure.clusterId', undefined, 'Azure cluster ID'],
    ['customerAccount', undefined, 'Customer account'],
    ['customerAccount', 'aws', 'AWS account'],
    ['customerAccount', 'azure', 'Azure subscription'],
    // Not intake fields: as written, whatever they look like.
    ['Favourite colour', undefined, 'Favourite colour'],
    ['unknown[0].port', undefined, 'unknown[0].port'],
    ['xservices[0]', undefined, 'xservices[0]'],
    ['_services[0]', undefined, '_services[0]'],
    ['services[0].port.extra', undefined, 'services[0].port.extra'],
    ['services[0]x', undefined, 'services[0]x'],
    ['services[a]', undefined, 'services[a]'],
    ['services[0].', undefined, 'services[0].'],
  ] as const)('%j (cloud %s) is %j', (field, cloud, words) => {
    expect(ticketWordsFor(field, cloud)).toBe(words);
  });
});

describe("a problem as a line of the customer's comment", () => {
  it('names the field in ticket words, then the rule', () => {
    expect(
      customerProblemLine({ field: 'services[1].port', kind: 'invalid', message: 'must be a port from 1 to 65535' }),
    ).toBe('Services (entry 2, port): must be a port from 1 to 65535');
    expect(customerProblemLine({ field: 'customerAccount', kind: 'missing', message: 'is missing' }, 'azure')).toBe(
      'Azure subscription: is missing',
    );
  });

  it.each([
    ['Projet ID', 'Project ID'],
    ['project_id', 'Project ID'],
    ['PROJECT-ID', 'Project ID'],
    ['Compnay', 'Company'],
    ['regoin', 'Region'],
    ['connection.type', 'Connection type'],
    // By the field's name alone, and by the ticket key alone, each up to two edits away.
    ['reverseServic', 'Your service ports'],
    ['Your service por', 'Your service ports'],
  ])('guesses the key a customer meant by %j: %j', (written, meant) => {
    expect(customerProblemLine({ field: written, kind: 'invalid', message: 'x', code: 'unknown_field' })).toBe(
      `${written}: is not a key we read; did you mean "${meant}"?`,
    );
  });

  it('lists the keys when nothing is within two edits, or the key is very long, and never lists internal fields', () => {
    const line = (written: string) =>
      customerProblemLine({ field: written, kind: 'invalid', message: 'x', code: 'unknown_field' });
    const keys =
      'Subject, Company, Project ID, Environment, Cloud, Region, Customer account, Services, Your service ports, ' +
      'Connection type, Customer endpoint service, Vendor principal access granted, Private DNS, Azure cluster ID, ' +
      'Azure subscription IDs, Azure target resource IDs, Alibaba zones, Alibaba CLB address type, Alibaba CLB billing, ' +
      'Alibaba auto-accept connections';
    expect(line('Favourite colour')).toBe(`Favourite colour: is not a key we read; the keys are ${keys}`);
    expect(line('Region'.repeat(11))).toBe(`${'Region'.repeat(11)}: is not a key we read; the keys are ${keys}`);
    // 65 characters that normalise to "region" plus separators only still count by their letters.
    expect(line(`${'-'.repeat(59)}Region`)).toBe(
      `${'-'.repeat(59)}Region: is not a key we read; did you mean "Region"?`,
    );
  });
});

describe('edit distance', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['region', 'regoin', 2],
    ['same', 'same', 0],
  ])('%j to %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});
