/**
 * What each change after enablement tells people, step by step (docs/lifecycle.md): the staff notifications word for
 * word, and each comment to the change ticket with its data, for the walks in change-walks.ts (every kind, every
 * cancellation point, failed tests on both sides, rejected endpoints). The comments' wording is in
 * docs/ticket-comments.md; here, what goes into them.
 */
import { checkEvent } from '../../src/domain/events';
import { type Effect, startRequest } from '../../src/machines';
import { applyRequestEvent, requestOf, requestStateName } from '../../src/machines/request';
import { forwardLegEvents, onCloud, reverseLegEvents } from '../fixtures/events';
import { exampleVendorConfig, validIntake } from '../fixtures/requests';
import { walks } from './change-walks';

const vendor = exampleVendorConfig();

/** An effect in words: a notification up to its checklist, a comment with its data (the greeting and CLI aside). */
function effectText(effect: Effect): string {
  switch (effect.type) {
    case 'notify':
      return `${effect.params.kind}: ${effect.params.message.split(': check: ')[0]!.split(': the change waits on them to check: ')[0]!}`;
    case 'postTicketComment':
      return `comment ${effect.params.template} ${JSON.stringify(effect.params.data, (key, value: unknown) =>
        key === 'cli' || key === 'ticketId' || key === 'company' ? undefined : value,
      )}`;
    case 'runConnectivityCheck':
      return `check ${effect.params.target} ${effect.params.ports.join(',')}`;
  }
}

/** Each step of a walk: the event, the change's state after it (or the request's, once no change is open), effects. */
function stepsOf(walk: (typeof walks)[number]): [string, string, string[]][] {
  let state = requestOf(
    startRequest({ ticketId: 'T-1001', vendor, intake: validIntake(walk.cloud, walk.type) }).snapshot,
  );
  const enable = onCloud(walk.cloud, [...forwardLegEvents, ...(walk.type === 'bidirectional' ? reverseLegEvents : [])]);
  const apply = (event: object, actor: string, at: string) => {
    const check = checkEvent({ actor, ...event });
    if (!check.ok) throw new Error(check.reason);
    const step = applyRequestEvent(state, check.event, at);
    if ('refused' in step) throw new Error(step.message);
    state = step.state;
    return step.effects;
  };
  for (const event of enable) apply(event, 'bob@vendor.example', '2026-03-02T10:00:00.000Z');
  return onCloud(walk.cloud, walk.events).map((event) => {
    const effects = apply(event, 'alice@vendor.example', '2026-03-03T10:00:00.000Z');
    const change = state.lifecycle!.change;
    return [
      String(event.type),
      change ? String(change.snapshot.value) : requestStateName(state),
      effects.map(effectText),
    ];
  });
}

const expected: Record<string, [string, string, string[]][]> = {
  'remove, bidirectional: revoke, remove, delete the vendor endpoint': [
    [
      'change.requested',
      'revokingAccess',
      [
        'comment change_received {"change":{"kind":"remove"},"connectionTicketId":"T-1001","cloud":"aws","vendorPrincipals":["arn:aws:iam::402592597372:root"]}',
        'action_required: [T-2001, change of T-1001] Remove the PrivateLink connection of Acme: first remove 123456789012 from the allowed principals of our endpoint service, then record customer_access.revoked',
      ],
    ],
    [
      'customer_access.revoked',
      'removingConnection',
      [
        "action_required: [T-2001, change of T-1001] Access revoked. Now reject or delete the customer's endpoint connections to our endpoint service, then record connection.removed",
      ],
    ],
    [
      'connection.removed',
      'deletingVendorEndpoints',
      [
        "action_required: [T-2001, change of T-1001] Connection removed. Now delete our endpoints to the customer's services (vpce-063c51c5620a37baf to com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0), recording vendor_endpoint.deleted for each",
      ],
    ],
    [
      'vendor_endpoint.deleted',
      'removed',
      [
        'comment change_done {"kind":"remove","connectionTicketId":"T-1001","cloud":"aws","accounts":[],"services":[],"reverseServices":[]}',
        'change_done: [T-2001, change of T-1001] Change done (remove): no account can connect; we reach 0 customer service(s)',
      ],
    ],
  ],
  'remove, unidirectional: cancelled at once, then cancelled after the revocation': [
    [
      'change.requested',
      'revokingAccess',
      [
        'comment change_received {"change":{"kind":"remove"},"connectionTicketId":"T-1001","cloud":"aws","vendorPrincipals":["arn:aws:iam::402592597372:root"]}',
        'action_required: [T-2001, change of T-1001] Remove the PrivateLink connection of Acme: first remove 123456789012 from the allowed principals of our endpoint service, then record customer_access.revoked',
      ],
    ],
    [
      'change.cancelled',
      'active',
      [
        'comment change_cancelled {"reason":"the customer keeps it"}',
        'cancelled: [T-2001, change of T-1001] Change cancelled: the customer keeps it',
      ],
    ],
    [
      'change.requested',
      'revokingAccess',
      [
        'comment change_received {"change":{"kind":"remove"},"connectionTicketId":"T-1001","cloud":"aws","vendorPrincipals":["arn:aws:iam::402592597372:root"]}',
        'action_required: [T-2002, change of T-1001] Remove the PrivateLink connection of Acme: first remove 123456789012 from the allowed principals of our endpoint service, then record customer_access.revoked',
      ],
    ],
    [
      'customer_access.revoked',
      'removingConnection',
      [
        "action_required: [T-2002, change of T-1001] Access revoked. Now reject or delete the customer's endpoint connections to our endpoint service, then record connection.removed",
      ],
    ],
    [
      'change.cancelled',
      'active',
      [
        'comment change_cancelled {"reason":"put on hold"}',
        "cancelled: [T-2002, change of T-1001] Change cancelled: put on hold. The customer's accounts no longer have access, but their endpoint connections remain until rejected; the record keeps the connection",
      ],
    ],
  ],
  'remove, bidirectional: cancelled while deleting the vendor endpoints': [
    [
      'change.requested',
      'revokingAccess',
      [
        'comment change_received {"change":{"kind":"remove"},"connectionTicketId":"T-1001","cloud":"aws","vendorPrincipals":["arn:aws:iam::402592597372:root"]}',
        'action_required: [T-2001, change of T-1001] Remove the PrivateLink connection of Acme: first remove 123456789012 from the allowed principals of our endpoint service, then record customer_access.revoked',
      ],
    ],
    [
      'customer_access.revoked',
      'removingConnection',
      [
        "action_required: [T-2001, change of T-1001] Access revoked. Now reject or delete the customer's endpoint connections to our endpoint service, then record connection.removed",
      ],
    ],
    [
      'connection.removed',
      'deletingVendorEndpoints',
      [
        "action_required: [T-2001, change of T-1001] Connection removed. Now delete our endpoints to the customer's services (vpce-063c51c5620a37baf to com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0), recording vendor_endpoint.deleted for each",
      ],
    ],
    [
      'change.cancelled',
      'active',
      [
        'comment change_cancelled {"reason":"wait for the migration"}',
        'cancelled: [T-2001, change of T-1001] Change cancelled: wait for the migration. Our endpoints vpce-063c51c5620a37baf remain, as the record shows',
      ],
    ],
  ],
  'change_account: a rejected endpoint, then cancelled before the approval': [
    [
      'change.requested',
      'allowlistingNewAccount',
      [
        'comment change_received {"change":{"kind":"change_account","customerAccount":"210987654321"},"connectionTicketId":"T-1001","cloud":"aws","vendorPrincipals":["arn:aws:iam::402592597372:root"]}',
        "action_required: [T-2001, change of T-1001] Allow the customer's new account 210987654321 on our endpoint service (the old 123456789012 stays allowed until the new connection is verified), then record customer_access.granted",
      ],
    ],
    [
      'customer_access.granted',
      'awaitingNewEndpoint',
      [
        'comment create_endpoint {"cloud":"aws","region":"us-east-1","vendorServiceName":"com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f67890","services":[{"name":"mysql","port":3306},{"name":"sftp","port":2222}]}',
      ],
    ],
    [
      'endpoint.requested',
      'approvingNewConnection',
      [
        'action_required: [T-2001, change of T-1001] Approve the connection request from endpoint vpce-0aaaaaaaaaaaaaaa1 (new account), then record connection.approved',
      ],
    ],
    [
      'connection.rejected',
      'awaitingNewEndpoint',
      [
        'comment connection_rejected {"cloud":"aws","endpointId":"vpce-0aaaaaaaaaaaaaaa1","reason":"the endpoint is in the old account","vendorServiceName":"com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f67890"}',
      ],
    ],
    [
      'endpoint.requested',
      'approvingNewConnection',
      [
        'action_required: [T-2001, change of T-1001] Approve the connection request from endpoint vpce-0aaaaaaaaaaaaaaa2 (new account), then record connection.approved',
      ],
    ],
    [
      'change.cancelled',
      'active',
      [
        'comment change_cancelled {"reason":"the customer keeps the old account"}',
        "cancelled: [T-2001, change of T-1001] Change cancelled: the customer keeps the old account. Reject the connection request from vpce-0aaaaaaaaaaaaaaa2 and remove the new account 210987654321 from our endpoint service's allowed principals",
      ],
    ],
  ],
  'change_account: failed tests on both sides, verified, then cancelled before the revocation': [
    [
      'change.requested',
      'allowlistingNewAccount',
      [
        'comment change_received {"change":{"kind":"change_account","customerAccount":"210987654321"},"connectionTicketId":"T-1001","cloud":"aws","vendorPrincipals":["arn:aws:iam::402592597372:root"]}',
        "action_required: [T-2001, change of T-1001] Allow the customer's new account 210987654321 on our endpoint service (the old 123456789012 stays allowed until the new connection is verified), then record customer_access.granted",
      ],
    ],
    [
      'customer_access.granted',
      'awaitingNewEndpoint',
      [
        'comment create_endpoint {"cloud":"aws","region":"us-east-1","vendorServiceName":"com.amazonaws.vpce.us-east-1.vpce-svc-0a1b2c3d4e5f67890","services":[{"name":"mysql","port":3306},{"name":"sftp","port":2222}]}',
      ],
    ],
    [
      'endpoint.requested',
      'approvingNewConnection',
      [
        'action_required: [T-2001, change of T-1001] Approve the connection request from endpoint vpce-0aaaaaaaaaaaaaaa1 (new account), then record connection.approved',
      ],
    ],
    [
      'connection.approved',
      'verifyingNewConnection',
      [
        'comment ports_opened {"cloud":"aws","region":"us-east-1","services":[{"name":"mysql","port":3306},{"name":"sftp","port":2222}],"endpointId":"vpce-0aaaaaaaaaaaaaaa1"}',
      ],
    ],
    [
      'connection.failed',
      'troubleshooting',
      [
        'comment troubleshooting_started {"direction":"forward","side":"vendor","details":"telnet: timed out","checklist":["Endpoint and endpoint service settings: the account is allowed and the connection request from vpce-0aaaaaaaaaaaaaaa1 is accepted","The ports are open in the project\'s environment: 3306, 2222","The network load balancer (NLB) settings: a TCP listener for each port (3306, 2222)","The target groups of the NLB: every target registered and healthy","The service listens on each VM: netstat -na | grep <port>","Packets arrive: tcpdump -i <ethernet-interface> -tt -nn port <port> and host <source-host>","curl -v telnet://<endpoint-service-dns>:<port> from each VM"]}',
        'verification_failed: [T-2001, change of T-1001] The connection test failed: telnet: timed out. The failing piece is ours',
      ],
    ],
    [
      'troubleshooting.resolved',
      'verifyingNewConnection',
      [
        'comment verify_again {"cloud":"aws","region":"us-east-1","services":[{"name":"mysql","port":3306},{"name":"sftp","port":2222}],"endpointId":"vpce-0aaaaaaaaaaaaaaa1","direction":"forward","fixedBy":"vendor"}',
      ],
    ],
    [
      'connection.failed',
      'customerTroubleshooting',
      [
        'comment troubleshooting_started {"direction":"forward","side":"customer","details":"security group","checklist":["Your interface endpoint vpce-0aaaaaaaaaaaaaaa1 shows \\"Available\\" in the VPC console (Endpoints), with a subnet in each Availability Zone you test from","The security group of your endpoint allows inbound TCP on 3306, 2222 from the host you test from, and your network ACLs allow the traffic both ways","You test from a host inside your VPC (or a network routed to it), with the endpoint\'s DNS name or IP address: curl -v telnet://<endpoint-dns-name>:<port>","Cloud guide: https://aws.amazon.com/premiumsupport/knowledge-center/connect-endpoint-service-vpc/"]}',
        "verification_failed: [T-2001, change of T-1001] The connection test failed: security group. The failing piece is the customer's",
      ],
    ],
    [
      'troubleshooting.resolved',
      'verifyingNewConnection',
      [
        'comment verify_again {"cloud":"aws","region":"us-east-1","services":[{"name":"mysql","port":3306},{"name":"sftp","port":2222}],"endpointId":"vpce-0aaaaaaaaaaaaaaa1","direction":"forward","fixedBy":"customer"}',
      ],
    ],
    [
      'connection.failed',
      'customerTroubleshooting',
      [
        'comment troubleshooting_started {"direction":"forward","side":"customer","details":"still refused","checklist":["Your interface endpoint vpce-0aaaaaaaaaaaaaaa1 shows \\"Available\\" in the VPC console (Endpoints), with a subnet in each Availability Zone you test from","The security group of your endpoint allows inbound TCP on 3306, 2222 from the host you test from, and your network ACLs allow the traffic both ways","You test from a host inside your VPC (or a network routed to it), with the endpoint\'s DNS name or IP address: curl -v telnet://<endpoint-dns-name>:<port>","Cloud guide: https://aws.amazon.com/premiumsupport/knowledge-center/connect-endpoint-service-vpc/"]}',
        "verification_failed: [T-2001, change of T-1001] The connection test failed: still refused. The failing piece is the customer's",
      ],
    ],
    [
      'connection.verified',
      'revokingOldAccount',
      [
        "action_required: [T-2001, change of T-1001] The new account's connection works. Now remove the old account 123456789012 from our endpoint service's allowed principals and reject its endpoint connection, then record customer_access.revoked",
      ],
    ],
    [
      'change.cancelled',
      'active',
      [
        'comment change_cancelled {"reason":"both accounts stay for now"}',
        'cancelled: [T-2001, change of T-1001] Change cancelled: both accounts stay for now. Both accounts keep their access (123456789012, 210987654321); open another change to revoke one',
      ],
    ],
  ],
  'change_account on Azure: through customer troubleshooting to the revocation': [
    [
      'change.requested',
      'allowlistingNewAccount',
      [
        'comment change_received {"change":{"kind":"change_account","customerAccount":"9b2c7e1a-0d3f-4e5a-8b6c-7d8e9f0a1b2c"},"connectionTicketId":"T-1001","cloud":"azure","vendorPrincipals":["6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"]}',
        "action_required: [T-2001, change of T-1001] Allow the customer's new account 9b2c7e1a-0d3f-4e5a-8b6c-7d8e9f0a1b2c on our endpoint service (the old 3f2504e0-4f89-41d3-9a0c-0305e82c3301 stays allowed until the new connection is verified), then record customer_access.granted",
      ],
    ],
    [
      'customer_access.granted',
      'awaitingNewEndpoint',
      [
        'comment create_endpoint {"cloud":"azure","region":"eastus","vendorServiceName":"vendor-pls-cl-7x2k9.6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b.eastus.azure.privatelinkservice","services":[{"name":"mysql","port":3306},{"name":"sftp","port":2222}]}',
      ],
    ],
    [
      'endpoint.requested',
      'approvingNewConnection',
      [
        'action_required: [T-2001, change of T-1001] Approve the connection request from endpoint /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-0aaaaaaaaaaaaaaa1 (new account), then record connection.approved',
      ],
    ],
    [
      'connection.approved',
      'verifyingNewConnection',
      [
        'comment ports_opened {"cloud":"azure","region":"eastus","services":[{"name":"mysql","port":3306},{"name":"sftp","port":2222}],"endpointId":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-0aaaaaaaaaaaaaaa1"}',
      ],
    ],
    [
      'connection.failed',
      'customerTroubleshooting',
      [
        'comment troubleshooting_started {"direction":"forward","side":"customer","details":"no route","checklist":["Your private endpoint /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-0aaaaaaaaaaaaaaa1 shows the connection state \\"Approved\\" in the Azure portal","The network security group of your endpoint\'s subnet allows TCP on 3306, 2222 from the host you test from","You test from a host inside your virtual network (or a network routed to it), with the endpoint\'s DNS name or IP address: curl -v telnet://<endpoint-dns-name>:<port>","Cloud guide: https://docs.microsoft.com/en-us/azure/private-link/troubleshoot-private-link-connectivity"]}',
        "verification_failed: [T-2001, change of T-1001] The connection test failed: no route. The failing piece is the customer's",
      ],
    ],
    [
      'connection.verified',
      'revokingOldAccount',
      [
        "action_required: [T-2001, change of T-1001] The new account's connection works. Now remove the old account 3f2504e0-4f89-41d3-9a0c-0305e82c3301 from our endpoint service's allowed principals and reject its endpoint connection, then record customer_access.revoked",
      ],
    ],
    [
      'customer_access.revoked',
      'active',
      [
        'comment change_done {"kind":"change_account","connectionTicketId":"T-1001","cloud":"azure","accounts":["9b2c7e1a-0d3f-4e5a-8b6c-7d8e9f0a1b2c"],"services":[{"name":"mysql","port":3306},{"name":"sftp","port":2222}],"reverseServices":[]}',
        'change_done: [T-2001, change of T-1001] Change done (change_account): 9b2c7e1a-0d3f-4e5a-8b6c-7d8e9f0a1b2c can connect; we reach 0 customer service(s)',
      ],
    ],
  ],
  'add_service on Azure: a failed vendor endpoint, a rejected one, failed tests, then cancelled': [
    [
      'change.requested',
      'awaitingPrincipalGrant',
      [
        'comment change_received {"change":{"kind":"add_service","customerServiceName":"/subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/acme-rg/providers/Microsoft.Network/privateLinkServices/acme-cache","services":[{"name":"redis","port":6379}]},"connectionTicketId":"T-1001","cloud":"azure","vendorPrincipals":["6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"]}',
        'action_required: [T-2001, change of T-1001] The customer asks us to connect to their service /subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/acme-rg/providers/Microsoft.Network/privateLinkServices/acme-cache; the change waits on them to allow our principal on it (record principal.granted)',
      ],
    ],
    [
      'principal.granted',
      'creatingVendorEndpoint',
      [
        "action_required: [T-2001, change of T-1001] Create our endpoint to the customer's service /subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/acme-rg/providers/Microsoft.Network/privateLinkServices/acme-cache, then record vendor_endpoint.created",
      ],
    ],
    [
      'vendor_endpoint.failed',
      'awaitingPrincipalGrant',
      [
        'comment vendor_endpoint_failed {"cloud":"azure","customerServiceName":"/subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/acme-rg/providers/Microsoft.Network/privateLinkServices/acme-cache","reason":"access denied","vendorPrincipals":["6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"]}',
      ],
    ],
    [
      'principal.granted',
      'creatingVendorEndpoint',
      [
        "action_required: [T-2001, change of T-1001] Create our endpoint to the customer's service /subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/acme-rg/providers/Microsoft.Network/privateLinkServices/acme-cache, then record vendor_endpoint.created",
      ],
    ],
    [
      'vendor_endpoint.created',
      'awaitingReverseApproval',
      [
        'comment approve_reverse_connection {"cloud":"azure","services":[{"name":"redis","port":6379}],"customerServiceName":"/subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/acme-rg/providers/Microsoft.Network/privateLinkServices/acme-cache","vendorEndpointId":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-0bbbbbbbbbbbbbbb2"}',
      ],
    ],
    [
      'reverse_connection.rejected',
      'creatingVendorEndpoint',
      [
        'comment reverse_connection_rejected {"vendorEndpointId":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-0bbbbbbbbbbbbbbb2","reason":"unknown endpoint"}',
        'action_required: [T-2001, change of T-1001] Customer rejected our endpoint: unknown endpoint. Create a new one, then record vendor_endpoint.created',
      ],
    ],
    [
      'vendor_endpoint.created',
      'awaitingReverseApproval',
      [
        'comment approve_reverse_connection {"cloud":"azure","services":[{"name":"redis","port":6379}],"customerServiceName":"/subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/acme-rg/providers/Microsoft.Network/privateLinkServices/acme-cache","vendorEndpointId":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-0bbbbbbbbbbbbbbb3"}',
      ],
    ],
    [
      'reverse_connection.approved',
      'verifyingReverseConnection',
      [
        'comment verify_reverse_connection {"services":[{"name":"redis","port":6379}],"host":"vendor-pe-3.privatelink.vendor.example","environment":"production"}',
        'check vendor-pe-3.privatelink.vendor.example 6379',
      ],
    ],
    [
      'reverse_connection.failed',
      'customerTroubleshooting',
      [
        'comment troubleshooting_started {"direction":"reverse","side":"customer","details":"connection refused","checklist":["Your Private Link service /subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/acme-rg/providers/Microsoft.Network/privateLinkServices/acme-cache accepted the connection from our endpoint /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-0bbbbbbbbbbbbbbb3 (state \\"Approved\\")","The load balancer settings: a load-balancing rule for each port (6379)","The load balancer\'s backend pool: every instance healthy in its health probe","The service listens on each VM: netstat -na | grep 6379","Packets arrive: tcpdump -i <ethernet-interface> -tt -nn port 6379 and host <source-host>","The network security groups of your backend instances allow TCP on 6379 from the Private Link service\'s NAT IP addresses","Cloud guide: https://docs.microsoft.com/en-us/azure/private-link/troubleshoot-private-link-connectivity"]}',
        "verification_failed: [T-2001, change of T-1001] The connection test failed: connection refused. The failing piece is the customer's",
      ],
    ],
    [
      'troubleshooting.resolved',
      'verifyingReverseConnection',
      [
        'comment verify_again {"services":[{"name":"redis","port":6379}],"host":"vendor-pe-3.privatelink.vendor.example","environment":"production","direction":"reverse","fixedBy":"customer"}',
        'check vendor-pe-3.privatelink.vendor.example 6379',
      ],
    ],
    [
      'reverse_connection.failed',
      'troubleshooting',
      [
        'comment troubleshooting_started {"direction":"reverse","side":"vendor","details":"timed out","checklist":["Our endpoint /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-0bbbbbbbbbbbbbbb3 is connected (\\"Approved\\") and vendor-pe-3.privatelink.vendor.example resolves to its private addresses","The security group of our endpoint allows TCP on 6379 from our VMs","netcat/curl from each VM: curl -v telnet://vendor-pe-3.privatelink.vendor.example:6379"]}',
        'verification_failed: [T-2001, change of T-1001] The connection test failed: timed out. The failing piece is ours',
      ],
    ],
    [
      'troubleshooting.resolved',
      'verifyingReverseConnection',
      [
        'comment verify_again {"services":[{"name":"redis","port":6379}],"host":"vendor-pe-3.privatelink.vendor.example","environment":"production","direction":"reverse","fixedBy":"vendor"}',
        'check vendor-pe-3.privatelink.vendor.example 6379',
      ],
    ],
    [
      'change.cancelled',
      'active',
      [
        'comment change_cancelled {"reason":"the customer moves the cache"}',
        'cancelled: [T-2001, change of T-1001] Change cancelled: the customer moves the cache. Our endpoint /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-0bbbbbbbbbbbbbbb3 to /subscriptions/3f2504e0-4f89-41d3-9a0c-0305e82c3301/resourceGroups/acme-rg/providers/Microsoft.Network/privateLinkServices/acme-cache stays connected (the customer accepted it), as the record shows; open a remove_service change to take it down',
      ],
    ],
  ],
  'add_service on a unidirectional AWS connection: to the end': [
    [
      'change.requested',
      'awaitingPrincipalGrant',
      [
        'comment change_received {"change":{"kind":"add_service","customerServiceName":"com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210","services":[{"name":"postgres","port":5432}]},"connectionTicketId":"T-1001","cloud":"aws","vendorPrincipals":["arn:aws:iam::402592597372:root"]}',
        'action_required: [T-2001, change of T-1001] The customer asks us to connect to their service com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210; the change waits on them to allow our principal on it (record principal.granted)',
      ],
    ],
    [
      'principal.granted',
      'creatingVendorEndpoint',
      [
        "action_required: [T-2001, change of T-1001] Create our endpoint to the customer's service com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210, then record vendor_endpoint.created",
      ],
    ],
    [
      'vendor_endpoint.created',
      'awaitingReverseApproval',
      [
        'comment approve_reverse_connection {"cloud":"aws","services":[{"name":"postgres","port":5432}],"customerServiceName":"com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210","vendorEndpointId":"vpce-0bbbbbbbbbbbbbbb2"}',
      ],
    ],
    [
      'reverse_connection.approved',
      'verifyingReverseConnection',
      [
        'comment verify_reverse_connection {"services":[{"name":"postgres","port":5432}],"host":"vpce-0bbbbbbbbbbbbbbb2-x1y2z3w4.vpce-svc-0a1b2c3d4e5f67890.us-east-1.vpce.amazonaws.com","environment":"production"}',
        'check vpce-0bbbbbbbbbbbbbbb2-x1y2z3w4.vpce-svc-0a1b2c3d4e5f67890.us-east-1.vpce.amazonaws.com 5432',
      ],
    ],
    [
      'reverse_connection.failed',
      'customerTroubleshooting',
      [
        'comment troubleshooting_started {"direction":"reverse","side":"customer","details":"refused","checklist":["Your endpoint service com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210 accepted the connection from our endpoint vpce-0bbbbbbbbbbbbbbb2 (state \\"Available\\")","The network load balancer (NLB) settings: a TCP listener for each port (5432)","The target groups of the NLB: every target registered and healthy","The service listens on each VM: netstat -na | grep 5432","Packets arrive: tcpdump -i <ethernet-interface> -tt -nn port 5432 and host <source-host>","The security groups of your targets allow TCP on 5432 from the NLB\'s private IP addresses","Cloud guide: https://aws.amazon.com/premiumsupport/knowledge-center/connect-endpoint-service-vpc/"]}',
        "verification_failed: [T-2001, change of T-1001] The connection test failed: refused. The failing piece is the customer's",
      ],
    ],
    [
      'reverse_connection.verified',
      'active',
      [
        'comment change_done {"kind":"add_service","connectionTicketId":"T-1001","cloud":"aws","accounts":["123456789012"],"services":[{"name":"mysql","port":3306},{"name":"sftp","port":2222}],"reverseServices":["com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba9876543210"]}',
        'change_done: [T-2001, change of T-1001] Change done (add_service): 123456789012 can connect; we reach 1 customer service(s)',
      ],
    ],
  ],
  'remove_service: cancelled, then again to the end': [
    [
      'change.requested',
      'deletingVendorEndpoint',
      [
        'comment change_received {"change":{"kind":"remove_service","customerServiceName":"com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"},"connectionTicketId":"T-1001","cloud":"aws","vendorPrincipals":["arn:aws:iam::402592597372:root"]}',
        "action_required: [T-2001, change of T-1001] Delete our endpoint vpce-063c51c5620a37baf to the customer's service com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0, then record vendor_endpoint.deleted",
      ],
    ],
    [
      'change.cancelled',
      'active',
      [
        'comment change_cancelled {"reason":"still needed"}',
        'cancelled: [T-2001, change of T-1001] Change cancelled: still needed',
      ],
    ],
    [
      'change.requested',
      'deletingVendorEndpoint',
      [
        'comment change_received {"change":{"kind":"remove_service","customerServiceName":"com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"},"connectionTicketId":"T-1001","cloud":"aws","vendorPrincipals":["arn:aws:iam::402592597372:root"]}',
        "action_required: [T-2002, change of T-1001] Delete our endpoint vpce-063c51c5620a37baf to the customer's service com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0, then record vendor_endpoint.deleted",
      ],
    ],
    [
      'vendor_endpoint.deleted',
      'active',
      [
        'comment change_done {"kind":"remove_service","connectionTicketId":"T-1001","cloud":"aws","accounts":["123456789012"],"services":[{"name":"mysql","port":3306},{"name":"sftp","port":2222}],"reverseServices":[]}',
        'change_done: [T-2002, change of T-1001] Change done (remove_service): 123456789012 can connect; we reach 0 customer service(s)',
      ],
    ],
  ],
};

describe('what each change tells people, step by step', () => {
  it('walks every case the expectations hold, and no other', () => {
    expect(walks.map((w) => w.title).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(walks.map((walk) => [walk.title, walk] as const))('%s', (title, walk) => {
    expect(stepsOf(walk)).toEqual(expected[title]);
  });
});
