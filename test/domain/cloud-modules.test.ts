/**
 * The cloud modules' own words and rules where the intake table and the comment walks do not reach them: several
 * accounts in one sentence, an intake without a region, the ticket values a normalizer must leave alone, the merge of
 * a cloud's details, the refused ports of an old configuration, and the reverse path's only-service rule.
 */
import { and, not, or } from 'xstate';
import { alibaba } from '../../src/domain/clouds/alibaba';
import { aws } from '../../src/domain/clouds/aws';
import { mergeIntake, validateIntake } from '../../src/domain/intake';
import { refusedPortsFor } from '../../src/domain/intake-rules';
import { defaultRefusedPorts, type VendorConfig } from '../../src/domain/vendor-config';
import { changeRequestProblem } from '../../src/machines/changes/host';
import type { ConnectionRecord } from '../../src/machines/changes/connection';
import { guardName } from '../../src/machines/mermaid';
import { parseDescription } from '../../src/webhooks/description';
import { exampleVendorConfig, samples, validIntake, without } from '../fixtures/requests';

const vendor = exampleVendorConfig();
const problemsOf = (draft: unknown) =>
  validateIntake(draft, vendor).problems.map((p) => `${p.field} (${p.kind}): ${p.message}`);
const SECOND_ALIBABA = '6543210987654321';

describe('ticket comments naming several accounts', () => {
  it('AWS: each account once, separated by commas', () => {
    expect(aws.words.weAllow(['111111111111', '222222222222'], 'us-east-1', [])).toBe(
      'We are now allowing AWS account 111111111111, 222222222222 to connect to our endpoint service in us-east-1.',
    );
    expect(
      aws.words.allowlistTask({ accounts: ['111111111111', '222222222222'], region: 'us-east-1', details: {} }),
    ).toBe(
      'Allowlist AWS account 111111111111, 222222222222 on the endpoint service in us-east-1, then record customer_access.granted',
    );
    expect(aws.words.allowOn('your endpoint service')).toBe(
      'allow our AWS account principal to connect to your endpoint service',
    );
  });

  it('Alibaba Cloud: the accounts, and the zones only when the request names them', () => {
    const accounts = [samples.ALIBABA_ACCOUNT, SECOND_ALIBABA];
    expect(alibaba.words.weAllow(accounts, 'eu-central-1', [])).toBe(
      `We are now adding Alibaba Cloud account ${samples.ALIBABA_ACCOUNT}, ${SECOND_ALIBABA} to the whitelist of our endpoint service in eu-central-1.`,
    );
    expect(alibaba.words.weAllow(accounts, 'eu-central-1', ['eu-central-1a', 'eu-central-1b'])).toBe(
      `We are now adding Alibaba Cloud account ${samples.ALIBABA_ACCOUNT}, ${SECOND_ALIBABA} to the whitelist of our endpoint service in eu-central-1 (zones eu-central-1a and eu-central-1b).`,
    );
    expect(
      alibaba.words.allowlistTask({ accounts, region: 'eu-central-1', details: { zones: ['eu-central-1a'] } }),
    ).toBe(
      `Add Alibaba Cloud account ${samples.ALIBABA_ACCOUNT}, ${SECOND_ALIBABA} to the whitelist of the endpoint service in eu-central-1; it must serve zone eu-central-1a, where the customer creates the endpoint. Then record customer_access.granted`,
    );
  });

  it("Alibaba Cloud's checklist for the customer's endpoint, in the console's words", () => {
    expect(alibaba.checklist.customerEndpoint(' ep-gw8boxlbu8ddlgm4abcd')).toBe(
      'Your interface endpoint ep-gw8boxlbu8ddlgm4abcd shows the connection state "Connected" in the PrivateLink console (Endpoints), with a vSwitch in the zone you test from',
    );
    expect(alibaba.checklist.customerEndpointSecurity('3306, 2222')).toBe(
      'The security group of your endpoint allows inbound TCP on 3306, 2222 from the host you test from',
    );
  });
});

describe('an intake without a region still gets an example', () => {
  it('Alibaba Cloud: the zone and the service name are shown for eu-central-1', () => {
    expect(
      problemsOf(
        without({ ...validIntake('alibaba', 'bidirectional'), alibaba: {} }, 'region', 'customerEndpointService'),
      ),
    ).toEqual([
      'region (missing): is missing: the cloud region of your account, e.g. eu-central-1',
      'customerEndpointService (missing): is missing: bidirectional connections need the service name of your endpoint service, e.g. com.aliyuncs.privatelink.eu-central-1.epsrv-bp15bqkt8q4mxmyrmjku',
      'alibaba.zones (missing): is missing: the zone where you create your endpoint, and the zone of the CLB instance behind your endpoint service, e.g. eu-central-1a (an endpoint and its endpoint service must be in the zone of the load balancer)',
      'alibaba.clbAddressType (missing): is missing: PrivateLink serves only an internal-facing (intranet) CLB instance: create one in your VPC for your endpoint service; say intranet',
      'alibaba.clbBilling (missing): is missing: PrivateLink serves only a pay-as-you-go CLB instance: create one for your endpoint service; say pay-as-you-go',
    ]);
  });

  it('AWS: the service name is shown for us-east-1', () => {
    expect(problemsOf(without(validIntake('aws', 'reverse'), 'region', 'customerEndpointService'))).toEqual([
      'region (missing): is missing: the cloud region of your account, e.g. us-east-1',
      'customerEndpointService (missing): is missing: reverse connections need the service name of your endpoint service, e.g. com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
    ]);
  });

  it("Azure: an alias is not the customer's own service (only the vendor's service is named by alias)", () => {
    const alias = 'acme-pls.6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b.eastus.azure.privatelinkservice';
    expect(problemsOf({ ...validIntake('azure', 'reverse'), customerEndpointService: alias })).toEqual([
      'customerEndpointService (invalid): must be the resource id of your Private Link service, /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateLinkServices/{serviceName}',
    ]);
  });
});

describe('ticket values the Alibaba normalizers leave as written', () => {
  it.each([
    ['Alibaba CLB address type: not internal', { clbAddressType: 'not internal' }],
    ['Alibaba CLB address type: Internal-facing', { clbAddressType: 'intranet' }],
    ['Alibaba CLB billing: no pay as you go', { clbBilling: 'no pay as you go' }],
    ['Alibaba CLB billing: pay as you go, monthly', { clbBilling: 'pay as you go, monthly' }],
    ['Alibaba CLB billing: PayAsYouGo', { clbBilling: 'pay-as-you-go' }],
  ])('%j', (line, expected) => {
    expect(parseDescription(line).draft.alibaba).toEqual(expected);
  });
});

describe("merging a ticket's update into the draft", () => {
  it("merges a cloud's details field by field, and replaces them when the update is not an object", () => {
    const draft = { cloud: 'alibaba', alibaba: { zones: ['eu-central-1a'] } };
    expect(mergeIntake(draft, { alibaba: { clbBilling: 'pay-as-you-go' } })).toEqual({
      cloud: 'alibaba',
      alibaba: { zones: ['eu-central-1a'], clbBilling: 'pay-as-you-go' },
    });
    expect(mergeIntake(draft, { alibaba: 'eu-central-1b' })).toEqual({ cloud: 'alibaba', alibaba: 'eu-central-1b' });
  });

  it('replaces any other object whole', () => {
    expect(mergeIntake({ services: { a: 1 } }, { services: { b: 2 } })).toEqual({ services: { b: 2 } });
  });
});

describe('the refused ports', () => {
  it('of a configuration recorded before refused ports existed are the defaults', () => {
    const old = { ...vendor, refusedPorts: undefined } as unknown as VendorConfig;
    expect(refusedPortsFor(old, 'alibaba')).toEqual(defaultRefusedPorts.alibaba);
  });

  it('before the cloud is known are those every cloud refuses', () => {
    const ssh = { port: 22, name: 'SSH' };
    const smtp = { port: 25, name: 'SMTP' };
    const config = {
      ...vendor,
      refusedPorts: { aws: [ssh, smtp], azure: [ssh], alibaba: [ssh, smtp] },
    } as VendorConfig;
    expect(refusedPortsFor(config, undefined)).toEqual([ssh]);
  });
});

describe("a reverse connection's only service", () => {
  const service = (name: string) => ({
    service: `com.amazonaws.vpce.us-east-1.vpce-svc-${name}`,
    endpointId: 'vpce-0123456789abcdef0',
    endpointDns: 'vpce-0123456789abcdef0.vpce-svc.us-east-1.vpce.amazonaws.com',
    ports: [{ name: 'https', port: 443 }],
    since: '2026-11-03T10:00:00Z',
    approvedBy: null,
  });
  const connection = (...names: string[]): ConnectionRecord => ({
    ticketId: 'T-1001',
    company: 'Acme',
    cloud: 'aws',
    region: 'us-east-1',
    connectionType: 'reverse',
    customerAccount: '123456789012',
    accounts: [],
    services: [],
    reverseServices: names.map(service),
    since: '2026-11-03T10:00:00Z',
  });
  const remove = (name: string) => ({ kind: 'remove_service' as const, customerServiceName: service(name).service });

  it('cannot be removed alone: the connection is removed instead', () => {
    expect(changeRequestProblem(connection('0aaaaaaaaaaaaaaa1'), 'T-2001', remove('0aaaaaaaaaaaaaaa1'))).toBe(
      `this reverse connection reaches only your service ${service('0aaaaaaaaaaaaaaa1').service}: to disconnect it, ask us to remove the connection`,
    );
  });

  it('one of two can be removed', () => {
    expect(
      changeRequestProblem(connection('0aaaaaaaaaaaaaaa1', '0bbbbbbbbbbbbbbb2'), 'T-2001', remove('0aaaaaaaaaaaaaaa1')),
    ).toBeUndefined();
  });

  it('a service it does not reach is named as such', () => {
    expect(changeRequestProblem(connection('0aaaaaaaaaaaaaaa1'), 'T-2001', remove('0ccccccccccccccc3'))).toContain(
      'the connection does not connect to',
    );
  });
});

describe('the guard names in the diagrams', () => {
  it('name each part of a combined guard', () => {
    expect(guardName('intakeValid')).toBe('intakeValid');
    expect(guardName({ type: 'intakeValid' })).toBe('intakeValid');
    expect(guardName(and(['intakeValid', 'customerServiceAutoAccepts']))).toBe(
      'intakeValid and customerServiceAutoAccepts',
    );
    expect(guardName(or(['intakeValid', { type: 'noAccountsToRevoke' }]))).toBe('intakeValid or noAccountsToRevoke');
    expect(guardName(not('customerServiceAutoAccepts'))).toBe('not customerServiceAutoAccepts');
    expect(guardName(and([not('a'), () => true]))).toBe('not a and ?');
  });

  it('give nothing for a guard that is only a function, or none', () => {
    expect(guardName(() => true)).toBeUndefined();
    expect(guardName(null)).toBeUndefined();
    expect(guardName(undefined)).toBeUndefined();
  });
});
