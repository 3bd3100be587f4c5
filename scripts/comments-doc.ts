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
  changeSlaEffects,
  type Effect,
  renderComment,
  slaEffects,
  startRequest,
  type TicketComment,
} from '../src/machines';
import { applyRequestEvent, requestOf, type RequestState } from '../src/machines/request';
import { changeRequested, changeScripts, otherAccount, otherService } from '../test/fixtures/changes';
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
  /** The open change's SLA breach and first escalation, after the events. */
  changeSla?: boolean;
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
    title: 'Alibaba Cloud, bidirectional: the straight path (seed 003)',
    cloud: 'alibaba',
    intake: validIntake('alibaba', 'bidirectional'),
    events: [...forwardLegEvents, ...reverseLegEvents],
  },
  {
    title:
      'AWS, reverse: the vendor only connects to the customer’s service (seed 002), then the connection is removed',
    cloud: 'aws',
    intake: validIntake('aws', 'reverse'),
    events: [
      ...reverseLegEvents,
      { type: 'change.requested', changeTicketId: 'T-2001', change: { kind: 'remove' } },
      { type: 'vendor_endpoint.deleted' },
    ],
  },
  {
    title: 'Alibaba Cloud, reverse: a customer service that accepts connections by itself',
    cloud: 'alibaba',
    intake: {
      ...validIntake('alibaba', 'reverse'),
      vendorPrincipalAccessGranted: true,
      alibaba: {
        zones: ['eu-central-1a'],
        clbAddressType: 'intranet',
        clbBilling: 'pay-as-you-go',
        autoAcceptConnections: true,
      },
    },
    events: reverseLegEvents.filter((e) => e.type !== 'principal.granted' && e.type !== 'reverse_connection.approved'),
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
    title:
      'AWS, unidirectional, after enablement: a change of account with a rejected endpoint, a troubleshooting ticket, a second change refused, and the removal',
    cloud: 'aws',
    intake: validIntake('aws', 'unidirectional'),
    events: [
      ...forwardLegEvents,
      changeRequested('T-2001', { kind: 'change_account', customerAccount: otherAccount('aws') }),
      { type: 'customer_access.granted' },
      { type: 'endpoint.requested', endpointId: 'vpce-0aaaaaaaaaaaaaaa1' },
      { type: 'connection.rejected', reason: 'the endpoint is in the old account' },
      { type: 'endpoint.requested', endpointId: 'vpce-0aaaaaaaaaaaaaaa2' },
      { type: 'connection.approved' },
      changeRequested('T-2002', { kind: 'remove' }),
      { type: 'connection.verified' },
      { type: 'customer_access.revoked' },
      changeRequested('T-2003', { kind: 'troubleshoot', details: 'timeouts since Monday' }),
      changeRequested('T-2004', { kind: 'remove' }),
      { type: 'customer_access.revoked' },
      { type: 'connection.removed' },
    ],
  },
  {
    title: 'Azure, bidirectional, after enablement: one more customer service with a failed test, then one fewer',
    cloud: 'azure',
    intake: validIntake('azure', 'bidirectional'),
    events: [
      ...forwardLegEvents,
      ...reverseLegEvents,
      changeRequested('T-2001', { kind: 'add_service', customerServiceName: otherService('azure') }),
      ...changeScripts('azure', 'bidirectional')
        .find((s) => s.kind === 'add_service')!
        .events.slice(0, 3),
      { type: 'reverse_connection.failed', details: 'curl: connection refused on 443' },
      { type: 'troubleshooting.resolved' },
      { type: 'reverse_connection.verified' },
      changeRequested('T-2002', { kind: 'remove_service', customerServiceName: samples.AZURE_SERVICE }),
      { type: 'vendor_endpoint.deleted' },
    ],
  },
  {
    title: 'AWS, unidirectional, after enablement: a change cancelled, and one whose SLA is breached',
    cloud: 'aws',
    intake: validIntake('aws', 'unidirectional'),
    events: [
      ...forwardLegEvents,
      changeRequested('T-2001', { kind: 'remove' }),
      { type: 'change.cancelled', reason: 'the customer keeps the connection after all' },
      changeRequested('T-2002', { kind: 'remove' }),
    ],
    changeSla: true,
  },
  {
    title: 'AWS: an ineligible request',
    cloud: 'aws',
    intake: { ...validIntake('aws', 'unidirectional'), environment: 'local', services: ['ssh 22'] },
    events: [],
  },
];

function section(walk: Walk, vendor: VendorConfig): string {
  const posted: { after: string; comment: TicketComment; to?: string }[] = [];
  const record = (after: string, effects: readonly Effect[]) =>
    posted.push(
      ...effects.flatMap((e) =>
        e.type === 'postTicketComment' ? [{ after, comment: e.params, ...(e.to ? { to: e.to.ticketId } : {}) }] : [],
      ),
    );
  const started = startRequest({ ticketId: 'T-1001', vendor, intake: walk.intake });
  let state: RequestState = requestOf(started.snapshot);
  record('the ticket arrives', started.effects);
  // The SLA clock first, so the cancellation after it ends the request.
  if (walk.sla) {
    const deadlineMs = Date.UTC(2026, 2, 6, 17, 0, 0);
    for (const sla of [{ kind: 'breach' as const }, { kind: 'escalation' as const, escalation: 1 }]) {
      record(`SLA ${sla.kind}`, slaEffects(sla, state.enablement, vendor.sla.calendar.timeZone, deadlineMs));
    }
  }
  for (const sent of onCloud(walk.cloud, walk.events)) {
    const event = { ...sent, actor: 'alice@vendor.example' } as EnablementEvent;
    const result = applyRequestEvent(state, event, '2026-03-02T15:00:00.000Z');
    if ('refused' in result) {
      // A refused change sent by a ticket system is answered on its ticket; any other refusal is a mistake here.
      if (!result.answer) throw new Error(`${walk.title}: ${event.type} refused: ${result.message}`);
      record(`\`${event.type}\` (refused)`, result.answer);
      continue;
    }
    state = result.state;
    record(`\`${event.type}\``, result.effects);
  }
  const change = state.lifecycle?.change;
  if (walk.changeSla && change) {
    const deadlineMs = Date.UTC(2026, 2, 9, 17, 0, 0);
    for (const sla of [{ kind: 'breach' as const }, { kind: 'escalation' as const, escalation: 1 }]) {
      const effects = changeSlaEffects(
        sla,
        change,
        state.lifecycle!.connection,
        vendor.sla.calendar.timeZone,
        deadlineMs,
      );
      record(`the change's SLA ${sla.kind}`, effects);
    }
  }
  const body = posted
    .map(
      ({
        after,
        comment,
        to,
      }) => `### After ${after}: \`${comment.template}\`${to ? ` (on the change ticket, ${to})` : ''}

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
Each heading names the event that caused the comment and the comment's template (and the change ticket, for a change
after enablement: [lifecycle.md](lifecycle.md)); what each event means is in
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
