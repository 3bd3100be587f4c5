/**
 * The words a customer uses for the intake: the key of each field in a ticket (`Project ID: abcdef123456`, the first
 * spelling docs/webhooks.md lists). Comments to the customer name fields this way, never by the intake's internal
 * names (`projectId`, `services[1].port`).
 */
import type { Cloud } from './formats';
import type { Problem } from './problems';

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
  azure: 'Azure details',
  'azure.clusterId': 'Azure cluster ID',
  'azure.subscriptionIds': 'Azure subscription IDs',
  'azure.targetResourceIds': 'Azure target resource IDs',
} as const satisfies Record<string, string>;

/** How the customer account is named once the cloud is known (both are accepted ticket keys). */
const accountKey: Record<Cloud, string> = { aws: 'AWS account', azure: 'Azure subscription' };

/**
 * The ticket's words for a problem's field path: `services[1].port` is "Services (entry 2, port)", `projectId` is
 * "Project ID", `(intake)` is "Your request"; a key that is no intake field stays as the customer wrote it.
 */
export function ticketWordsFor(field: string, cloud?: Cloud): string {
  if (field === '(intake)') return 'Your request';
  if (field === 'customerAccount' && cloud) return accountKey[cloud];
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
  .filter(([field]) => !['ticketId', 'submittedAt', 'azure'].includes(field))
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

/** Levenshtein distance, for "did you mean" (short strings only). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
