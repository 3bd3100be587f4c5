/**
 * The words a customer uses for the intake: the key of each field in a ticket (`Project ID: abcdef123456`, the first
 * spelling docs/webhooks.md lists). Comments to the customer name fields this way, never by the intake's internal
 * names (`projectId`, `services[1].port`).
 */
import { type Cloud, cloudModules, clouds } from './clouds';
import type { Problem } from './problems';
import { editDistance } from './did-you-mean';

export { editDistance, unknownFieldMessage } from './did-you-mean';

/** The clouds whose intake has a details object of theirs (`azure`, `alibaba`). */
const cloudDetailIds: string[] = clouds.filter((id) => cloudModules[id].details);

/** Each intake field's ticket key; src/webhooks/description.ts takes its first spelling from here. */
export const ticketKeys = {
  ticketId: 'Ticket',
  subject: 'Subject',
  company: 'Company',
  submittedAt: 'Submitted at',
  projectId: 'Project ID',
  environment: 'Environment',
  cloud: 'Cloud',
  region: 'Region',
  customerAccount: 'Customer account',
  services: 'Services',
  reverseServices: 'Your service ports',
  connectionType: 'Connection type',
  customerEndpointService: 'Customer endpoint service',
  vendorPrincipalAccessGranted: 'Vendor principal access granted',
  privateDns: 'Private DNS',
  // Then each cloud's details object and its fields (`Azure details`, `Azure cluster ID`), from its module.
  ...(Object.fromEntries(
    clouds.flatMap((id) => {
      const details = cloudModules[id].details;
      return details
        ? [[id, details.ticketKey], ...details.fields.map((f) => [`${id}.${f.name}`, f.ticketKey] as const)]
        : [];
    }),
  ) as Record<string, string>),
};

/** How the customer account is named once the cloud is known (each is an accepted ticket key). */
const accountKey = (cloud: Cloud): string => cloudModules[cloud].account.ticketKeys[0] ?? ticketKeys.customerAccount;

/**
 * The ticket's words for a problem's field path: `services[1].port` is "Services (entry 2, port)", `projectId` is
 * "Project ID", `(intake)` is "Your request"; a key that is no intake field stays as the customer wrote it.
 */
export function ticketWordsFor(field: string, cloud?: Cloud): string {
  if (field === '(intake)') return 'Your request';
  if (field === 'customerAccount' && cloud) return accountKey(cloud);
  const match = /^([A-Za-z.]+?)\[(\d+)\](?:\.(\w+))?$/.exec(field);
  if (match) {
    const [, list, index, part] = match as unknown as [string, string, string, string | undefined];
    const words = ticketKeys[list as keyof typeof ticketKeys];
    if (words) return `${words} (entry ${Number(index) + 1}${part ? `, ${part}` : ''})`;
  }
  return ticketKeys[field as keyof typeof ticketKeys] ?? field;
}

/**
 * A problem as one line of a comment to the customer, in the ticket's words. A key the intake does not read gets the
 * ticket key it most likely meant, or the list of keys.
 */
export function customerProblemLine(problem: Problem, cloud?: Cloud): string {
  if (problem.code === 'unknown_field') {
    const guess = closestTicketKey(problem.field);
    return `${problem.field}: is not a key we read; ${guess ? `did you mean "${guess}"?` : `the keys are ${listedKeys}`}`;
  }
  return `${ticketWordsFor(problem.field, cloud)}: ${problem.message}`;
}

const listedKeys = Object.entries(ticketKeys)
  .filter(([field]) => !['ticketId', 'submittedAt', ...cloudDetailIds].includes(field))
  .map(([, words]) => words)
  .join(', ');

/** The ticket key nearest to what a customer wrote (a field name or a misspelt key), within two edits. */
function closestTicketKey(written: string): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_.-]+/g, '');
  const target = norm(written);
  if (target.length > 64) return undefined;
  for (const [field, words] of Object.entries(ticketKeys)) {
    if (editDistance(norm(field), target) <= 2 || editDistance(norm(words), target) <= 2) return words;
  }
  return undefined;
}
