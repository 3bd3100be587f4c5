/** A connection's record stays bounded however many changes add to it (docs/intake-and-events.md "Limits"). */
import { checkEvent } from '../../src/domain/events';
import { limits } from '../../src/domain/limits';
import { startRequest } from '../../src/machines';
import { applyRequestEvent, connectionOf, requestOf, type RequestState } from '../../src/machines/request';
import { changeRequested } from '../fixtures/changes';
import { endpointDnsOn, forwardLegEvents, reverseLegEvents, type TestEvent } from '../fixtures/events';
import { exampleVendorConfig, validIntake } from '../fixtures/requests';

const vendor = exampleVendorConfig();
function walk(state: RequestState, events: TestEvent[]): RequestState {
  for (const event of events) {
    const check = checkEvent({ actor: 'alice@vendor.example', ...event });
    if (!check.ok) throw new Error(check.reason);
    const step = applyRequestEvent(state, check.event, '2026-03-02T10:00:00.000Z');
    if ('refused' in step) throw new Error(step.message);
    state = step.state;
  }
  return state;
}
/** The n-th customer endpoint service name (AWS, us-east-1). */
const service = (n: number) => `com.amazonaws.vpce.us-east-1.vpce-svc-${String(n).padStart(17, '0')}`;
const added = (n: number): TestEvent[] => [
  changeRequested(`T-${3000 + n}`, { kind: 'add_service', customerServiceName: service(n) }),
  { type: 'principal.granted' },
  {
    type: 'vendor_endpoint.created',
    endpointId: `vpce-${String(n).padStart(17, '0')}`,
    endpointDns: endpointDnsOn('aws', n),
  },
  { type: 'reverse_connection.approved' },
  { type: 'reverse_connection.verified' },
];

describe("a connection's customer services", () => {
  it(`are at most ${limits.reverseServicesPerConnection}: a change that would add one more is refused with the reason`, () => {
    let state = requestOf(
      startRequest({ ticketId: 'T-1001', vendor, intake: validIntake('aws', 'bidirectional') }).snapshot,
    );
    state = walk(state, [...forwardLegEvents, ...reverseLegEvents]);
    for (let n = 2; n <= limits.reverseServicesPerConnection; n++) state = walk(state, added(n));
    expect(connectionOf(state)!.reverseServices).toHaveLength(limits.reverseServicesPerConnection);
    const check = checkEvent({ actor: 'alice@vendor.example', ...added(99)[0]! });
    const refused = applyRequestEvent(state, check.ok ? check.event : (undefined as never), '2026-03-02T10:00:00.000Z');
    expect(refused).toMatchObject({
      refused: true,
      message: `This change cannot be made: the connection already reaches ${limits.reverseServicesPerConnection} of your services, the most one connection keeps; remove one first, or request another connection.`,
    });
  });
});
