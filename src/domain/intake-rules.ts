/**
 * The intake's rules field by field, for `validateIntake` (intake.ts): services and ports, the customer's endpoint
 * service, the Azure details, the project's eligibility, enumerations and flags, and the hint for a misspelt field.
 * Each rule reports every problem it finds through `add` and returns the normalized value, or `undefined`.
 */
import { type AddProblem, CUSTOMER_SERVICE_BYTES, isBlank } from './clouds/cloud';
import { cloudOf } from './clouds';
import { type Cloud, clouds } from './formats';
import { type IntakeDraft, type Service } from './intake-shape';
import { isRecord } from './json';
import { bytesText, limits, quoted, utf8Length } from './limits';
import { defaultRefusedPorts, type RefusedPort, type VendorConfig, type VendorProject } from './vendor-config';

export { type AddProblem, isBlank };
export { unknownFieldMessage } from './ticket-words';

/** The ports refused for a request on `cloud`; before the cloud is known, those every cloud refuses. */
export function refusedPortsFor(vendor: VendorConfig, cloud: Cloud | undefined): RefusedPort[] {
  // A configuration recorded before refusedPorts existed (an old history) has the defaults.
  const configured = vendor.refusedPorts as Partial<VendorConfig['refusedPorts']> | undefined;
  const refusedIn = (id: Cloud) => configured?.[id] ?? defaultRefusedPorts[id];
  if (cloud) return refusedIn(cloud);
  const [first, ...others] = clouds.map(refusedIn);
  return first!.filter((r) => others.every((list) => list.some((o) => o.port === r.port)));
}

/**
 * The services of one direction: each a name and a port, each port once, none the vendor refuses. `services` are the
 * vendor's ports the customer connects to (the vendor's limits apply: no SSH, no HTTPS on Azure by default);
 * `reverseServices` are the ports of the customer's own service the vendor connects to (bidirectional), where the
 * vendor's limits do not apply (`refused` is empty).
 */
export function validateServices(
  value: unknown,
  refused: readonly RefusedPort[],
  add: AddProblem,
  field: 'services' | 'reverseServices' = 'services',
): Service[] | undefined {
  const what =
    field === 'services'
      ? 'list each service and port to open in our environment, e.g. mysql 3306, sftp 2222, http 80'
      : 'list each port of your own service that we connect to, e.g. https 443, postgres 5432';
  if (isBlank(value) || (Array.isArray(value) && value.length === 0)) {
    add(field, 'missing', `is missing: ${what}`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    add(field, 'invalid', 'must be a list of services with ports, e.g. [{ "name": "mysql", "port": 3306 }]');
    return undefined;
  }
  if (value.length > limits.servicesPerRequest) {
    add(
      field,
      'invalid',
      `lists ${value.length} services; a request may open at most ${limits.servicesPerRequest} (open a second request for more)`,
    );
    return undefined;
  }
  const services: Service[] = [];
  const seenPorts = new Map<number, number>();
  let ok = true;
  value.forEach((entry, i) => {
    const at = `${field}[${i}]`;
    const service = parseService(entry);
    if (!service) {
      add(at, 'invalid', 'must be a service name and port, e.g. { "name": "mysql", "port": 3306 } or "mysql 3306"');
      ok = false;
      return;
    }
    if (!service.name) {
      add(`${at}.name`, 'missing', 'is missing: name the service, e.g. mysql');
      ok = false;
    } else if (utf8Length(service.name) > SERVICE_NAME_BYTES) {
      add(`${at}.name`, 'invalid', `may be at most ${bytesText(SERVICE_NAME_BYTES)}, e.g. mysql`);
      ok = false;
    }
    if (!Number.isInteger(service.port) || service.port < 1 || service.port > 65535) {
      add(
        `${at}.port`,
        'invalid',
        `must be a whole number from 1 to 65535 (got ${service.given === undefined ? 'nothing' : quoted(service.given)})`,
      );
      ok = false;
      return;
    }
    const refusal = refused.find(
      (r) => r.port === service.port || (r.name !== undefined && r.name.toLowerCase() === service.name.toLowerCase()),
    );
    if (refusal) {
      add(`${at}.port`, 'invalid', refusal.reason);
      ok = false;
    }
    const first = seenPorts.get(service.port);
    if (first !== undefined) {
      add(`${at}.port`, 'invalid', `port ${service.port} is already listed in ${field}[${first}]; list each port once`);
      ok = false;
    } else {
      seenPorts.set(service.port, i);
    }
    services.push({ name: service.name, port: service.port });
  });
  return ok ? services : undefined;
}

/**
 * A service entry read from `{ name, port }` or the ticket form `"mysql 3306"` / `"mysql:3306"`; `given` is the port as
 * written, quoted back when it is not a port.
 */
function parseService(entry: unknown): { name: string; port: number; given: unknown } | undefined {
  if (typeof entry === 'string') {
    const match = /^\s*(.*?)[\s:]+(\S+)\s*$/.exec(entry);
    if (!match) return undefined;
    return { name: match[1]!, port: Number(match[2]), given: match[2] };
  }
  if (!isRecord(entry)) return undefined;
  const name = typeof entry.name === 'string' ? entry.name.trim() : '';
  // A port written as text is read as a number: a blank one reads as 0, which is no port either.
  const port = typeof entry.port === 'number' ? entry.port : typeof entry.port === 'string' ? Number(entry.port) : NaN;
  return { name, port, given: entry.port };
}

/** The customer's endpoint service the vendor connects to (bidirectional, reverse), in the request's cloud and region. */
export function validateCustomerEndpointService(
  value: unknown,
  cloud: Cloud | undefined,
  region: string | undefined,
  add: AddProblem,
  connectionType: 'bidirectional' | 'reverse' = 'bidirectional',
): string | undefined {
  const field = 'customerEndpointService';
  const shape = cloudOf(cloud ?? 'aws').customerServiceShape(region);
  if (isBlank(value)) {
    add(field, 'missing', `is missing: ${connectionType} connections need ${shape}`);
    return undefined;
  }
  if (typeof value !== 'string') {
    add(field, 'invalid', `must be ${shape}`);
    return undefined;
  }
  const service = value.trim();
  if (utf8Length(service) > CUSTOMER_SERVICE_BYTES) {
    add(
      field,
      'invalid',
      `is ${bytesText(utf8Length(service))} long; it may be at most ${bytesText(CUSTOMER_SERVICE_BYTES)}`,
    );
    return undefined;
  }
  if (!cloud) return service;
  const problem = cloudOf(cloud).serviceNameProblem(region ?? '', service, field);
  // In another region: said so; any other problem: the form expected.
  const inRegion = region !== undefined && problem !== undefined && problem.startsWith(`${field} is in `);
  if (inRegion) {
    const other = /is in (\S+),/.exec(problem)![1];
    add(
      field,
      'invalid',
      `must be an endpoint service in ${region}, the region of this request (this one is in ${other})`,
    );
  } else if (problem) add(field, 'invalid', `must be ${shape}`);
  return service;
}

/** The vendor's record of the project in that environment (any of its environments when none is usable). */
export function findProject(
  vendor: VendorConfig,
  id: string,
  environment: string | undefined,
  add: AddProblem,
): VendorProject | undefined {
  const candidates = vendor.projects.filter((p) => p.id === id);
  if (!candidates.length) {
    add('projectId', 'invalid', `${quoted(id)} is not a project hosted by ${vendor.vendor.name}; check the project ID`);
    return undefined;
  }
  // Without a usable environment, plan, cloud and region are still checked against the project's record.
  if (!environment) return candidates[0];
  const match = candidates.find((p) => p.environment === environment);
  if (!match) {
    const known = candidates.map((p) => p.environment).join(', ');
    add('environment', 'invalid', `project ${id} has no ${environment} environment (it has: ${known})`);
  }
  return match;
}

/** A field that takes one of `values`, compared trimmed and in lower case; `words` lists them for people. */
export function enumField<T extends string>(
  draft: IntakeDraft,
  field: string,
  values: readonly T[],
  words: string,
  add: AddProblem,
): T | undefined {
  const value = draft[field];
  if (isBlank(value)) {
    add(field, 'missing', `is missing: ${words}`);
    return undefined;
  }
  const normalized = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (!(values as readonly unknown[]).includes(normalized)) {
    add(field, 'invalid', `must be ${words} (got ${quoted(value)})`);
    return undefined;
  }
  return normalized as T;
}

/** A yes/no field that may be left out: `true`/`false`, or as a ticket writes it, `"true"`/`"yes"`/`"false"`/`"no"`. */
export function optionalBoolean(draft: IntakeDraft, field: string, add: AddProblem): boolean | undefined {
  const value = draft[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'yes') return true;
  if (value === 'false' || value === 'no') return false;
  add(field, 'invalid', `must be true or false (got ${quoted(value)})`);
  return undefined;
}

/** The most bytes of a service's name. */
const SERVICE_NAME_BYTES = 64;
