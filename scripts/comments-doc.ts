/**
 * Writes docs/ticket-comments.md: every comment the product posts to a customer's ticket, rendered from the machines
 * as requests walk the process on each cloud (`npm run docs:comments`). With `--check` it only compares and exits 1
 * when the file is stale; a test compares it too, so the page always shows what customers read.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnablementEvent } from '../src/domain/events';
import type { Cloud } from '../src/domain/formats';
import type { IntakeDraft } from '../src/domain/intake';
import type { VendorConfig } from '../src/domain/vendor-config';
import {
  applyEvent,
  type Effect,
  renderComment,
  slaEffects,
  startRequest,
  type Step,
  type TicketComment,
} from '../src/machines';
import {
  bidirectionalLoopEvents,
  forwardLegEvents,
  onCloud,
  reverseLegEvents,
  type TestEvent,
  unidirectionalLoopEvents,
} from '../test/fixtures/events';
import { exampleVendorConfig, samples, validIntake, without } from '../test/fixtures/requests';

export const commentsDocPath = join(__dirname, '..', 'docs', 'ticket-comments.md');

/** A request's life as the customer's ticket sees it. */
interface Walk {
  title: string;
  cloud: Cloud;
  intake: IntakeDraft;
  events: TestEvent[];
  /** The SLA clock's breach and first escalation, after the events. */
  sla?: boolean;
}

const walks: Walk[] = [
  {
    title: 'AWS, unidirectional: the straight path',
    cloud: 'aws',
    intake: validIntake('aws', 'unidirectional'),
    events: forwardLegEvents,
  },
  {
    title: 'Azure, bidirectional: the straight path',
    cloud: 'azure',
    intake: validIntake('azure', 'bidirectional'),
    events: [...forwardLegEvents, ...reverseLegEvents],
  },
  {
    title: 'AWS, unidirectional: a rejected connection request and failed checks on each side',
    cloud: 'aws',
    intake: validIntake('aws', 'unidirectional'),
    events: unidirectionalLoopEvents,
  },
  {
    title: 'Azure, bidirectional: missing information, then every loop of both legs',
    cloud: 'azure',
    intake: without(validIntake('azure', 'bidirectional'), 'customerAccount'),
    events: [
      { type: 'ticket.updated', intake: { customerAccount: '3f2504e0-4f89-41d3-9a0c-0305e82c3301' } },
      ...bidirectionalLoopEvents,
    ],
  },
  {
    title: 'Azure, bidirectional with a second target service, and a ticket update after acceptance',
    cloud: 'azure',
    intake: {
      ...validIntake('azure', 'bidirectional'),
      azure: { clusterId: 'cl-7x2k9', targetResourceIds: [samples.AZURE_SERVICE.replace('acme-db', 'acme-queue')] },
    },
    events: [
      { type: 'ticket.updated', intake: { services: ['mysql 3306', 'sftp 2222', 'http 80'] } },
      ...forwardLegEvents,
      ...reverseLegEvents,
      { type: 'vendor_endpoint.created', endpointId: 'vpce-0e4d0e4d0000000b3', endpointDns: '127.0.0.1' },
      { type: 'reverse_connection.approved' },
      { type: 'reverse_connection.verified' },
    ],
  },
  {
    title: 'AWS, bidirectional: the SLA breached while waiting on the vendor, then cancelled',
    cloud: 'aws',
    intake: validIntake('aws', 'bidirectional'),
    events: [{ type: 'request.cancelled', reason: 'the customer moved the workload to another region' }],
    sla: true,
  },
  {
    title: 'AWS: an ineligible request',
    cloud: 'aws',
    intake: { ...validIntake('aws', 'unidirectional'), environment: 'local', services: ['ssh 22'] },
    events: [],
  },
];

/** The comments among effects. */
const commentsOf = (effects: readonly Effect[]): TicketComment[] =>
  effects.flatMap((e) => (e.type === 'postTicketComment' ? [e.params] : []));

function section(walk: Walk, vendor: VendorConfig): string {
  const posted: { after: string; comment: TicketComment }[] = [];
  let step: Step = startRequest({ ticketId: 'T-1001', vendor, intake: walk.intake });
  posted.push(...commentsOf(step.effects).map((comment) => ({ after: 'the ticket arrives', comment })));
  // The SLA clock first, so the cancellation after it ends the request.
  if (walk.sla) {
    const deadlineMs = Date.UTC(2026, 2, 6, 17, 0, 0);
    for (const record of [{ kind: 'breach' as const }, { kind: 'escalation' as const, escalation: 1 }]) {
      const effects = slaEffects(record, step.snapshot, vendor.sla.calendar.timeZone, deadlineMs);
      posted.push(...commentsOf(effects).map((comment) => ({ after: `SLA ${record.kind}`, comment })));
    }
  }
  for (const sent of onCloud(walk.cloud, walk.events)) {
    const event = { ...sent, actor: 'alice@vendor.example' } as EnablementEvent;
    const result = applyEvent(step.snapshot, event);
    if ('refused' in result) throw new Error(`${walk.title}: ${event.type} refused: ${result.message}`);
    step = result;
    posted.push(...commentsOf(step.effects).map((comment) => ({ after: `\`${event.type}\``, comment })));
  }
  const body = posted
    .map(
      ({ after, comment }) => `### After ${after}: \`${comment.template}\`

\`\`\`text
${renderComment(comment)}
\`\`\`
`,
    )
    .join('\n');
  return `## ${walk.title}

${body}`;
}

/** The whole page. */
export function commentsDocument(): string {
  const vendor = exampleVendorConfig();
  return `# Ticket comments

Generated from \`src/machines\` by \`npm run docs:comments\`; do not edit by hand (a test fails when this file is
stale). Every comment the product posts to a customer's ticket, in the order a request posts them, as requests walk
the process with the example vendor configuration (\`config/vendor.example.json\`) and the test fixtures' intakes.
Each heading names the event that caused the comment and the comment's template; what each event means is in
[intake-and-events.md](intake-and-events.md), the process in [process.md](process.md).

${walks.map((walk) => section(walk, vendor)).join('\n')}`;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const expected = commentsDocument();
  if (check) {
    if (readFileSync(commentsDocPath, 'utf8') !== expected) {
      process.stderr.write(`${commentsDocPath} is stale: run \`npm run docs:comments\`\n`);
      process.exit(1);
    }
  } else {
    writeFileSync(commentsDocPath, expected);
  }
}
