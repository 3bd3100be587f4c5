/** The pure parts of `plctl change` and `plctl connections`: reading the flags, and the inventory table. */
import { changeKindOf, changeOf, connectionsTable, parseServicesFlag } from '../../src/cli/changes';
import { nextPageCommand } from '../../src/cli/requests';
import type { ConnectionRow } from '../../src/temporal/visibility';

describe('plctl change flags', () => {
  it.each([
    ['change-account', 'change_account'],
    ['Change_Account', 'change_account'],
    ['add-service', 'add_service'],
    ['remove', 'remove'],
    [' troubleshoot ', 'troubleshoot'],
  ])('reads the kind %j as %s', (given, kind) => {
    expect(changeKindOf(given)).toBe(kind);
  });

  it('builds each kind of change from its flags', () => {
    const ticket = 'T-2001';
    expect(changeOf('remove', { ticket })).toEqual({ kind: 'remove' });
    expect(changeOf('change_account', { ticket, account: '210987654321' })).toEqual({
      kind: 'change_account',
      customerAccount: '210987654321',
    });
    expect(changeOf('add_service', { ticket, service: 'svc' })).toEqual({
      kind: 'add_service',
      customerServiceName: 'svc',
    });
    expect(changeOf('add_service', { ticket, service: 'svc', services: ['redis 6379', 'https:443'] })).toEqual({
      kind: 'add_service',
      customerServiceName: 'svc',
      services: [
        { name: 'redis', port: 6379 },
        { name: 'https', port: 443 },
      ],
    });
    expect(changeOf('remove_service', { ticket, service: 'svc' })).toEqual({
      kind: 'remove_service',
      customerServiceName: 'svc',
    });
    expect(changeOf('troubleshoot', { ticket })).toEqual({ kind: 'troubleshoot' });
    expect(changeOf('troubleshoot', { ticket, details: 'timeouts' })).toEqual({
      kind: 'troubleshoot',
      details: 'timeouts',
    });
  });

  it('names every missing flag at once, with the usage', () => {
    expect(() => changeOf('change_account', {})).toThrow(
      'A change of kind change_account needs --ticket <changeTicketId> and --account <id>.\nUsage: plctl change <ticketId> change_account --ticket <changeTicketId> --account <id>',
    );
  });

  it('reads --services as tickets write ports, and refuses what is not a name and a port', () => {
    expect(parseServicesFlag(['redis 6379, https 443; postgres port 5432', '8080 http'])).toEqual([
      { name: 'redis', port: 6379 },
      { name: 'https', port: 443 },
      { name: 'postgres', port: 5432 },
      { name: 'http', port: 8080 },
    ]);
    expect(() => parseServicesFlag(['redis six'])).toThrow('--services: "redis six" is not a service name and a port');
    expect(() => parseServicesFlag(['6379'])).toThrow('--services: "6379" is not a service name and a port');
    expect(() => parseServicesFlag([' '])).toThrow('--services needs services with ports');
  });
});

describe('plctl connections table', () => {
  const row = (over: Partial<ConnectionRow> = {}): ConnectionRow => ({
    ticketId: 'T-1001',
    workflowId: 'privatelink-T-1001',
    company: 'Acme',
    cloud: 'aws',
    region: 'us-east-1',
    connectionType: 'bidirectional',
    customerAccount: '123456789012',
    accounts: [
      {
        account: '123456789012',
        since: '2026-11-09T15:00:00.000Z',
        approvedBy: 'alice@vendor.example',
        endpointId: 'vpce-1',
      },
      { account: '210987654321', since: '2026-11-20T10:30:00.000Z', approvedBy: null, endpointId: 'vpce-2' },
    ],
    services: [
      { name: 'mysql', port: 3306 },
      { name: 'sftp', port: 2222 },
    ],
    reverseServices: [
      {
        service: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
        endpointId: 'vpce-3',
        endpointDns: 'x',
        ports: [{ name: 'https', port: 443 }],
        since: '2026-11-10T15:00:00.000Z',
        approvedBy: 'bob@vendor.example',
      },
    ],
    since: '2026-11-10T15:00:00.000Z',
    openChange: { ticketId: 'T-2001', kind: 'change_account' },
    ...over,
  });

  it('gives each account that can connect a row: since when and approved by whom; the connection on the first', () => {
    expect(connectionsTable([row(), row({ ticketId: 'T-1002', accounts: [], reverseServices: [], openChange: null })]))
      .toBe(`TICKET  COMPANY  CLOUD/REGION   CAN CONNECT   SINCE (UTC)       APPROVED BY           PORTS                  WE CONNECT TO                           OPEN CHANGE
T-1001  Acme     aws us-east-1  123456789012  2026-11-09 15:00  alice@vendor.example  mysql 3306, sftp 2222  vpce-svc-0123456789abcdef0 (https 443)  T-2001 change_account
                                210987654321  2026-11-20 10:30
T-1002  Acme     aws us-east-1  (none)                                                mysql 3306, sftp 2222`);
  });

  it('names an Azure service by its last part', () => {
    const azure = row({
      cloud: 'azure',
      region: 'eastus',
      accounts: [],
      reverseServices: [
        {
          ...row().reverseServices[0]!,
          service:
            '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/acme-cache',
        },
      ],
    });
    expect(connectionsTable([azure]).split('\n')[1]).toContain('acme-cache (https 443)');
  });
});

describe('the next page hint', () => {
  it('repeats the filters given, quoted for the shell when they need it', () => {
    expect(
      nextPageCommand(
        'connections',
        [
          ['--company', "O'Brien & Co"],
          ['--cloud', undefined],
          ['--breached', true],
          ['--region', 'us-east-1'],
        ],
        'abc_-1',
      ),
    ).toBe(`plctl connections --company 'O'\\''Brien & Co' --breached --region us-east-1 --page-token abc_-1`);
  });
});
