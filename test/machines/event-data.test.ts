import type { EnablementEvent } from '../../src/domain/events';
import { startRequest } from '../../src/machines';
import { eventDataProblem } from '../../src/machines/event-data';
import { exampleVendorConfig, validIntake } from '../fixtures/requests';
import type { WithoutActor } from './drive';

const vendor = exampleVendorConfig();
const actor = 'alice@vendor.example';

describe("an event's ids and names, against the request's cloud", () => {
  const problemOf = (event: WithoutActor<EnablementEvent>) => {
    const { snapshot } = startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'bidirectional') });
    return eventDataProblem(snapshot.context, { ...event, actor });
  };

  it('checks the endpoint id, then the DNS name when one is given', () => {
    expect(problemOf({ type: 'endpoint.requested', endpointId: 'vpce-07f552b9497008761' })).toBeUndefined();
    expect(problemOf({ type: 'endpoint.requested', endpointId: 'abc' })).toMatch(/^endpointId "abc" /);
    expect(
      problemOf({ type: 'endpoint.requested', endpointId: 'vpce-07f552b9497008761', endpointDns: 'not a host!' }),
    ).toMatch(/^endpointDns "not a host!" /);
    expect(problemOf({ type: 'endpoint.requested', endpointId: 'abc', endpointDns: 'not a host!' })).toMatch(
      /^endpointId "abc" /,
    );
  });

  it("checks the vendor endpoint's id and DNS name", () => {
    expect(
      problemOf({ type: 'vendor_endpoint.created', endpointId: 'vpce-063c51c5620a37baf', endpointDns: 'not a host!' }),
    ).toMatch(/^endpointDns "not a host!" /);
    expect(
      problemOf({ type: 'vendor_endpoint.created', endpointId: 'pe-1', endpointDns: 'vpce-1.example.com' }),
    ).toMatch(/^endpointId "pe-1" /);
  });

  it('checks a service name given by staff, in the request region, and lets an omitted one pass', () => {
    expect(problemOf({ type: 'customer_access.granted' })).toBeUndefined();
    expect(
      problemOf({
        type: 'customer_access.granted',
        vendorServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0',
      }),
    ).toMatch(/^vendorServiceName "com\.amazonaws\.vpce\.eu-west-1\.vpce-svc-0123456789abcdef0" /);
    expect(problemOf({ type: 'principal.granted' })).toBeUndefined();
    expect(problemOf({ type: 'principal.granted', customerServiceName: 'svc' })).toMatch(/^customerServiceName "svc" /);
  });

  it('takes an Azure Private Link alias as the vendor service name, never as the customer service', () => {
    const { snapshot } = startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('azure', 'bidirectional') });
    const alias = 'acme-db.3f2504e0-4f89-41d3-9a0c-0305e82c3301.eastus.azure.privatelinkservice';
    expect(
      eventDataProblem(snapshot.context, { type: 'customer_access.granted', vendorServiceName: alias, actor }),
    ).toBeUndefined();
    expect(
      eventDataProblem(snapshot.context, { type: 'principal.granted', customerServiceName: alias, actor }),
    ).toMatch(/^customerServiceName "acme-db\.[^"]+" is not an Azure Private Link service resource id \(/);
  });

  it('has nothing to check in other events, or before an intake is accepted', () => {
    expect(problemOf({ type: 'connection.approved' })).toBeUndefined();
    const { snapshot } = startRequest({ ticketId: 'T-1001', vendor });
    expect(
      eventDataProblem(snapshot.context, { type: 'endpoint.requested', endpointId: 'abc', actor }),
    ).toBeUndefined();
  });
});
