import type { Intake } from '../../src/domain/intake';
import {
  accepted,
  allowlistedAccounts,
  companyOf,
  initialContext,
  reverseTargets,
  vendorPrincipals,
  withDraft,
} from '../../src/machines/context';
import { exampleVendorConfig, samples, validIntake } from '../fixtures/requests';

const vendor = exampleVendorConfig();
const fresh = (connectionType: 'unidirectional' | 'bidirectional' = 'unidirectional') =>
  initialContext({ ticketId: 'T-1001', vendor }, connectionType);
const problems = (context: ReturnType<typeof fresh>) =>
  (context.validation?.problems ?? []).map((p) => `${p.field} (${p.kind}): ${p.message}`);

describe("a request's draft and its verdict", () => {
  it('takes the ticket id from the request, also padded, and refuses a draft naming another ticket', () => {
    const own = withDraft(fresh(), validIntake('aws', 'unidirectional'));
    expect(own.validation?.kind).toBe('valid');
    expect(own.draft?.ticketId).toBe('T-1001');
    expect(withDraft(fresh(), { ...validIntake('aws', 'unidirectional'), ticketId: ' T-1001 ' }).validation?.kind).toBe(
      'valid',
    );
    const other = withDraft(fresh(), { ...validIntake('aws', 'unidirectional'), ticketId: 'T-2002' });
    expect(other.validation?.kind).toBe('incomplete');
    expect(problems(other)).toEqual(['ticketId (invalid): must be T-1001, the ticket this request belongs to']);
  });

  it('keeps an ineligible verdict ineligible when it adds a problem of its own', () => {
    const both = withDraft(fresh(), { ...validIntake('aws', 'unidirectional'), environment: 'local', ticketId: 'T-9' });
    expect(both.validation?.kind).toBe('ineligible');
    expect(problems(both)).toContainEqual('ticketId (invalid): must be T-1001, the ticket this request belongs to');
  });

  it('judges a ticket id that is not text by the intake rules alone', () => {
    const numbered = withDraft(fresh(), { ...validIntake('aws', 'unidirectional'), ticketId: 1001 });
    expect(numbered.validation?.kind).toBe('incomplete');
    expect(problems(numbered).map((p) => p.split(':')[0])).toEqual(['ticketId (invalid)']);
  });

  it('has no accepted intake before acceptance, and says which request asked', () => {
    expect(() => accepted(fresh())).toThrow('request T-1001 has no accepted intake yet');
  });

  it('names a valid intake for the other path as a problem when a machine is driven directly', () => {
    const other = withDraft(fresh('unidirectional'), validIntake('aws', 'bidirectional'));
    expect(other.validation?.kind).toBe('incomplete');
    expect(problems(other)).toEqual([
      'connectionType (invalid): is bidirectional, but this request runs the unidirectional process',
    ]);
  });
});

describe('what the context says about the customer', () => {
  it("the company: the accepted intake's, else the draft's trimmed, else none", () => {
    expect(companyOf({ draft: { company: '  Acme  ' } })).toBe('Acme');
    expect(companyOf({ draft: { company: '   ' } })).toBeNull();
    expect(companyOf({ draft: { company: 42 as unknown as string } })).toBeNull();
    expect(companyOf({})).toBeNull();
    expect(companyOf({ intake: { company: 'Globex' } as Intake, draft: { company: 'Acme' } })).toBe('Globex');
  });

  it('the accounts to allowlist: every Azure subscription listed, else the account', () => {
    const azure = { cloud: 'azure', customerAccount: samples.AZURE_SUBSCRIPTION } as Intake;
    expect(
      allowlistedAccounts({
        ...azure,
        azure: { clusterId: 'c', subscriptionIds: ['s1', 's2'], targetResourceIds: [] },
      }),
    ).toEqual(['s1', 's2']);
    expect(
      allowlistedAccounts({ ...azure, azure: { clusterId: 'c', subscriptionIds: [], targetResourceIds: [] } }),
    ).toEqual([samples.AZURE_SUBSCRIPTION]);
    expect(allowlistedAccounts(azure)).toEqual([samples.AZURE_SUBSCRIPTION]);
    const aws = { cloud: 'aws', customerAccount: '123456789012' } as Intake;
    expect(
      allowlistedAccounts({ ...aws, azure: { clusterId: 'c', subscriptionIds: ['s1'], targetResourceIds: [] } }),
    ).toEqual(['123456789012']);
  });

  it('the services the reverse leg connects to: none one way, every Azure target listed, else the endpoint service', () => {
    const base = { connectionType: 'bidirectional', customerEndpointService: 'svc-0' } as Intake;
    const azureIds = (targets: string[]) => ({ clusterId: 'c', subscriptionIds: [], targetResourceIds: targets });
    expect(reverseTargets({ ...base, connectionType: 'unidirectional' })).toEqual([]);
    expect(reverseTargets({ ...base, cloud: 'azure', azure: azureIds(['t1', 't2']) })).toEqual(['t1', 't2']);
    expect(reverseTargets({ ...base, cloud: 'azure', azure: azureIds([]) })).toEqual(['svc-0']);
    expect(reverseTargets({ ...base, cloud: 'azure' })).toEqual(['svc-0']);
    expect(reverseTargets({ ...base, cloud: 'aws', azure: azureIds(['t1']) })).toEqual(['svc-0']);
    expect(reverseTargets({ ...base, cloud: 'aws', customerEndpointService: undefined })).toEqual([]);
  });

  it("the vendor's principals in the request's cloud: the AWS one, every Azure one, or none configured", () => {
    const withIntake = (cloud: 'aws' | 'azure', principals = vendor.vendor.principals) => ({
      ...initialContext(
        { ticketId: 'T-1001', vendor: { ...vendor, vendor: { ...vendor.vendor, principals } } },
        'bidirectional',
      ),
      intake: { cloud } as Intake,
    });
    expect(vendorPrincipals(withIntake('aws'))).toEqual(['arn:aws:iam::402592597372:root']);
    expect(vendorPrincipals(withIntake('azure'))).toEqual(['6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b']);
    expect(vendorPrincipals(withIntake('azure', { aws: 'arn:aws:iam::402592597372:root' }))).toStrictEqual([]);
  });
});
