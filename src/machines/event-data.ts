/**
 * The ids and names an event gives, checked against the formats of the request's cloud before the machine takes it:
 * a customer told "we approved the connection request from endpoint abc", or a check aimed at a name no cloud gives,
 * helps no one. The machines use it as a guard; the host quotes it when it refuses.
 */
import type { EnablementEvent } from '../domain/events';
import { type Cloud, endpointDnsProblem, endpointIdProblem, serviceNameProblem } from '../domain/formats';
import { quoted } from '../domain/limits';
import type { EnablementContext } from './context';

/** Why an id or name in `event` is not of the request's cloud, or `undefined` when all are (or there is none). */
export function eventDataProblem(context: EnablementContext, event: EnablementEvent): string | undefined {
  const intake = context.intake;
  return intake ? cloudDataProblem(intake.cloud, intake.region, event) : undefined;
}

/**
 * Why an id or name in `event` is not of `cloud` (a service name: in `region`), or `undefined` when all are: the
 * enablement's check, and a change's for the same steps.
 */
export function cloudDataProblem(cloud: Cloud, region: string, event: EnablementEvent): string | undefined {
  const label = (field: string, value: string) => `${field} ${quoted(value, 260)}`;
  switch (event.type) {
    case 'endpoint.requested':
      return (
        endpointIdProblem(cloud, event.endpointId, label('endpointId', event.endpointId)) ??
        (event.endpointDns === undefined
          ? undefined
          : endpointDnsProblem(cloud, event.endpointDns, label('endpointDns', event.endpointDns)))
      );
    case 'vendor_endpoint.created':
      return (
        endpointIdProblem(cloud, event.endpointId, label('endpointId', event.endpointId)) ??
        endpointDnsProblem(cloud, event.endpointDns, label('endpointDns', event.endpointDns))
      );
    case 'customer_access.granted':
      return event.vendorServiceName === undefined
        ? undefined
        : serviceNameProblem(
            cloud,
            region,
            event.vendorServiceName,
            label('vendorServiceName', event.vendorServiceName),
            true,
          );
    case 'principal.granted':
      return event.customerServiceName === undefined
        ? undefined
        : serviceNameProblem(
            cloud,
            region,
            event.customerServiceName,
            label('customerServiceName', event.customerServiceName),
          );
    default:
      return undefined;
  }
}
