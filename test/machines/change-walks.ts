/** Walks through each change after enablement, for the fidelity test (test/machines/change-fidelity.test.ts). */
import type { Cloud } from '../../src/domain/formats';
import type { ConnectionType } from '../../src/domain/intake';
import { changeRequested, enabledService, otherAccount, otherService } from '../fixtures/changes';
import type { TestEvent } from '../fixtures/events';

export interface ChangeWalk {
  title: string;
  cloud: Cloud;
  type: ConnectionType;
  /** After the request is enabled (the connection approved by bob@vendor.example), sent by alice@vendor.example. */
  events: TestEvent[];
}

const awsDns = (id: string) => `${id}-x1y2z3w4.vpce-svc-0a1b2c3d4e5f67890.us-east-1.vpce.amazonaws.com`;

export const walks: ChangeWalk[] = [
  {
    title: 'remove, bidirectional: revoke, remove, delete the vendor endpoint',
    cloud: 'aws',
    type: 'bidirectional',
    events: [
      changeRequested('T-2001', { kind: 'remove' }),
      { type: 'customer_access.revoked' },
      { type: 'connection.removed' },
      { type: 'vendor_endpoint.deleted' },
    ],
  },
  {
    title: 'remove, unidirectional: cancelled at once, then cancelled after the revocation',
    cloud: 'aws',
    type: 'unidirectional',
    events: [
      changeRequested('T-2001', { kind: 'remove' }),
      { type: 'change.cancelled', reason: 'the customer keeps it' },
      changeRequested('T-2002', { kind: 'remove' }),
      { type: 'customer_access.revoked' },
      { type: 'change.cancelled', reason: 'put on hold' },
    ],
  },
  {
    title: 'remove, bidirectional: cancelled while deleting the vendor endpoints',
    cloud: 'aws',
    type: 'bidirectional',
    events: [
      changeRequested('T-2001', { kind: 'remove' }),
      { type: 'customer_access.revoked' },
      { type: 'connection.removed' },
      { type: 'change.cancelled', reason: 'wait for the migration' },
    ],
  },
  {
    title: 'change_account: a rejected endpoint, then cancelled before the approval',
    cloud: 'aws',
    type: 'unidirectional',
    events: [
      changeRequested('T-2001', { kind: 'change_account', customerAccount: otherAccount('aws') }),
      { type: 'customer_access.granted' },
      {
        type: 'endpoint.requested',
        endpointId: 'vpce-0aaaaaaaaaaaaaaa1',
        endpointDns: awsDns('vpce-0aaaaaaaaaaaaaaa1'),
      },
      { type: 'connection.rejected', reason: 'the endpoint is in the old account' },
      { type: 'endpoint.requested', endpointId: 'vpce-0aaaaaaaaaaaaaaa2' },
      { type: 'change.cancelled', reason: 'the customer keeps the old account' },
    ],
  },
  {
    title: 'change_account: failed tests on both sides, verified, then cancelled before the revocation',
    cloud: 'aws',
    type: 'unidirectional',
    events: [
      changeRequested('T-2001', { kind: 'change_account', customerAccount: otherAccount('aws') }),
      { type: 'customer_access.granted' },
      { type: 'endpoint.requested', endpointId: 'vpce-0aaaaaaaaaaaaaaa1' },
      { type: 'connection.approved' },
      { type: 'connection.failed', details: 'telnet: timed out' },
      { type: 'troubleshooting.resolved' },
      { type: 'connection.failed', details: 'security group', failingSide: 'customer' },
      { type: 'troubleshooting.resolved' },
      { type: 'connection.failed', details: 'still refused', failingSide: 'customer' },
      { type: 'connection.verified' },
      { type: 'change.cancelled', reason: 'both accounts stay for now' },
    ],
  },
  {
    title: 'change_account on Azure: through customer troubleshooting to the revocation',
    cloud: 'azure',
    type: 'unidirectional',
    events: [
      changeRequested('T-2001', { kind: 'change_account', customerAccount: otherAccount('azure') }),
      { type: 'customer_access.granted' },
      { type: 'endpoint.requested', endpointId: 'vpce-0aaaaaaaaaaaaaaa1' },
      { type: 'connection.approved' },
      { type: 'connection.failed', details: 'no route', failingSide: 'customer' },
      { type: 'connection.verified' },
      { type: 'customer_access.revoked' },
    ],
  },
  {
    title: 'add_service on Azure: a failed vendor endpoint, a rejected one, failed tests, then cancelled',
    cloud: 'azure',
    type: 'bidirectional',
    events: [
      changeRequested('T-2001', {
        kind: 'add_service',
        customerServiceName: otherService('azure'),
        services: [{ name: 'redis', port: 6379 }],
      }),
      { type: 'principal.granted' },
      { type: 'vendor_endpoint.failed', reason: 'access denied' },
      { type: 'principal.granted', customerServiceName: otherService('azure') },
      {
        type: 'vendor_endpoint.created',
        endpointId: 'vpce-0bbbbbbbbbbbbbbb2',
        endpointDns: 'vendor-pe-2.privatelink.vendor.example',
      },
      { type: 'reverse_connection.rejected', reason: 'unknown endpoint' },
      {
        type: 'vendor_endpoint.created',
        endpointId: 'vpce-0bbbbbbbbbbbbbbb3',
        endpointDns: 'vendor-pe-3.privatelink.vendor.example',
      },
      { type: 'reverse_connection.approved' },
      { type: 'reverse_connection.failed', details: 'connection refused' },
      { type: 'troubleshooting.resolved' },
      { type: 'reverse_connection.failed', details: 'timed out', failingSide: 'vendor' },
      { type: 'troubleshooting.resolved' },
      { type: 'change.cancelled', reason: 'the customer moves the cache' },
    ],
  },
  {
    title: 'add_service on a unidirectional AWS connection: to the end',
    cloud: 'aws',
    type: 'unidirectional',
    events: [
      changeRequested('T-2001', {
        kind: 'add_service',
        customerServiceName: otherService('aws'),
        services: [{ name: 'postgres', port: 5432 }],
      }),
      { type: 'principal.granted' },
      {
        type: 'vendor_endpoint.created',
        endpointId: 'vpce-0bbbbbbbbbbbbbbb2',
        endpointDns: awsDns('vpce-0bbbbbbbbbbbbbbb2'),
      },
      { type: 'reverse_connection.approved' },
      { type: 'reverse_connection.failed', details: 'refused', failingSide: 'customer' },
      { type: 'reverse_connection.verified' },
    ],
  },
  {
    title: 'remove_service: cancelled, then again to the end',
    cloud: 'aws',
    type: 'bidirectional',
    events: [
      changeRequested('T-2001', { kind: 'remove_service', customerServiceName: enabledService('aws') }),
      { type: 'change.cancelled', reason: 'still needed' },
      changeRequested('T-2002', { kind: 'remove_service', customerServiceName: enabledService('aws') }),
      { type: 'vendor_endpoint.deleted', endpointId: 'vpce-063c51c5620a37baf' },
    ],
  },
];
