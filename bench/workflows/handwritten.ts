/**
 * The cost floor for the cost-per-request figures (`bench/cost.ts`): a hand-written Temporal workflow for the AWS
 * unidirectional path (intake → customer_access.granted → endpoint.requested → connection.approved → ports.opened →
 * connection.verified → enabled) that carries out the same effects as the product (the same ticket comments and
 * notifications, through the product's own activities, with the same idempotency keys) and upserts the same search
 * attributes with the same values, and keeps the same SLA timer; but no state machine, no audit memo, no batching:
 * one activity per effect, and each upsert names only the attributes that changed.
 *
 * It receives the product's workflow input and the product's events as updates of the same name. It knows only the
 * happy path: any other event is refused by the validator (which leaves no trace in the history). Once enabled it
 * waits, as the product's request does, until it is terminated.
 *
 * Bundled on its own (`workflowsPath` is this file) and run on its own task queue.
 */
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  CancellationScope,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { EnablementActivities } from '../../activities';
import type { Intake } from '../../src/domain/intake';
import type { Effect } from '../../src/machines';
import { slaClockStart } from '../../src/sla/clock-start';
import { instantAtFraction, type SlaClock, targetMs, businessDayMs } from '../../src/sla/plan';
import type { EnablementEventInput, EnablementWorkflowInput } from '../../src/temporal/messages';
import { EVENT_UPDATE, searchAttributes as sa, STARTED_BY_MEMO_KEY } from '../../src/temporal/names';

/** What the hand-written workflow answers an event with: where the request now stands. */
export interface HandwrittenAnswer {
  state: string;
  waitingOn: string;
}

/** The product's update name, with the hand-written workflow's small answer. */
export const handwrittenEventUpdate = defineUpdate<HandwrittenAnswer, [EnablementEventInput]>(EVENT_UPDATE);

/** Effects queued or in flight (a query: no history event), so a driver can wait for them to go out. */
export const handwrittenPendingQuery = defineQuery<number>('handwrittenPending');

const { loadVendorConfig, businessWindows } = proxyActivities<EnablementActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
// The product's options for a ticket comment or a notification (workflows/effects.ts).
const { postTicketComment, sendNotification } = proxyActivities<EnablementActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

/** How far ahead the SLA's business windows are fetched (as the product does). */
const HORIZON_MS = 90 * 24 * 3_600_000;

type Step = {
  state: string;
  waitingOn: string;
  status?: string;
};

/** The path, in order: the event that leaves each state, and the state it leads to. */
const path: Record<string, Step & { next?: string }> = {
  allowlisting: { state: 'allowlisting', waitingOn: 'vendor', next: 'customer_access.granted' },
  awaitingEndpoint: { state: 'awaitingEndpoint', waitingOn: 'customer', next: 'endpoint.requested' },
  reviewingConnection: { state: 'reviewingConnection', waitingOn: 'vendor', next: 'connection.approved' },
  openingPorts: { state: 'openingPorts', waitingOn: 'vendor', next: 'ports.opened' },
  verifyingConnection: { state: 'verifyingConnection', waitingOn: 'customer', next: 'connection.verified' },
  active: { state: 'active', waitingOn: 'none', status: 'enabled' },
};
const after: Record<string, string> = {
  'customer_access.granted': 'awaitingEndpoint',
  'endpoint.requested': 'reviewingConnection',
  'connection.approved': 'openingPorts',
  'ports.opened': 'verifyingConnection',
  'connection.verified': 'active',
};

/** The AWS unidirectional request, by hand. */
export async function handwrittenEnablementWorkflow(input: EnablementWorkflowInput): Promise<void> {
  const { ticketId } = input;
  const intake = input.intake as Intake;
  const { workflowId } = workflowInfo();
  const services = intake.services;
  const base = { ticketId, company: intake.company };
  const account = intake.customerAccount;
  let state = 'allowlisting';
  let endpointId = '';
  let seq = 0;
  const queue: { seq: number; effect: Effect }[] = [];
  const enqueue = (...effects: Effect[]) => effects.forEach((effect) => queue.push({ seq: ++seq, effect }));
  const comment = (template: string, data: Record<string, unknown>): Effect =>
    ({ type: 'postTicketComment', params: { template, data } }) as Effect;
  const notify = (kind: string, message: string): Effect =>
    ({ type: 'notify', params: { kind, message: `[${ticketId}] ${message}` } }) as Effect;
  let inFlight = 0;
  // Set once the vendor configuration is loaded: an event that arrives before waits for it in its handler.
  let vendorService: string | undefined;
  const startedMemo = workflowInfo().memo?.[STARTED_BY_MEMO_KEY];
  const startedBy = typeof startedMemo === 'string' ? startedMemo : undefined;

  // The search attributes, upserted with only what changed (and the time of the change, as the product does).
  const upserted = new Map<string, string>();
  const upsert = (pairs: SearchAttributeUpdatePair[]) => {
    const changed = pairs.filter((p) => upserted.get(p.key.name) !== JSON.stringify(p.value));
    if (!changed.length) return;
    for (const p of changed) upserted.set(p.key.name, JSON.stringify(p.value));
    upsertSearchAttributes([...changed, { key: sa.updatedAt, value: new Date() }]);
  };
  const identifiers = () => [account, ...(endpointId ? [endpointId] : [])];
  const publish = (more: SearchAttributeUpdatePair[] = []) => {
    const step = path[state]!;
    upsert([
      { key: sa.status, value: step.status ?? 'in_progress' },
      { key: sa.state, value: state },
      { key: sa.waitingOn, value: step.waitingOn },
      { key: sa.identifiers, value: identifiers() },
      ...(state === 'active' ? [{ key: sa.accounts, value: [account] }] : []),
      ...more,
    ]);
  };

  setHandler(handwrittenPendingQuery, () => queue.length + inFlight + (upserted.size ? 0 : 1));
  setHandler(
    handwrittenEventUpdate,
    async (event) => {
      if (vendorService === undefined) await condition(() => vendorService !== undefined);
      state = after[event.type]!;
      if (event.type === 'endpoint.requested') endpointId = String(event.endpointId);
      const svc = services.map((s) => `${s.name} ${s.port}`).join(', ');
      switch (event.type) {
        case 'customer_access.granted':
          enqueue(
            comment('create_endpoint', {
              ...base,
              cloud: intake.cloud,
              region: intake.region,
              services,
              vendorServiceName: vendorService,
            }),
          );
          break;
        case 'endpoint.requested':
          enqueue(notify('action_required', `Approve the connection request from endpoint ${endpointId}`));
          break;
        case 'connection.approved':
          enqueue(
            comment('connection_approved', { ...base, services, endpointId }),
            notify(
              'action_required',
              `Open ${svc} in project ${intake.projectId} (${intake.environment}) for endpoint ${endpointId}, then record ports.opened`,
            ),
          );
          break;
        case 'ports.opened':
          enqueue(
            comment('ports_opened', { ...base, cloud: intake.cloud, region: intake.region, endpointId, services }),
          );
          break;
        case 'connection.verified':
          enqueue(
            comment('enabled', { ...base, services, connectionType: intake.connectionType, endpointId }),
            notify('enabled', `PrivateLink enabled (${intake.connectionType})`),
          );
          break;
      }
      publish();
      return { state, waitingOn: path[state]!.waitingOn };
    },
    {
      validator: (event: EnablementEventInput) => {
        const type: unknown = (event as { type?: unknown } | undefined)?.type;
        if (type !== path[state]?.next) throw new Error(`${String(type)} is not expected in ${state}`);
      },
    },
  );

  // Intake: the vendor configuration, the search attributes, the first comment and the allowlisting notification.
  const vendor = await loadVendorConfig();
  vendorService = vendor.vendor.endpointServices[`${intake.cloud}:${intake.region}`] ?? '';
  enqueue(
    comment('intake_accepted', {
      ...base,
      cloud: intake.cloud,
      region: intake.region,
      accounts: [account],
      connectionType: intake.connectionType,
    }),
    notify(
      'action_required',
      `Allowlist AWS account ${account} on the endpoint service in ${intake.region} (${vendorService}), then record customer_access.granted`,
    ),
  );

  // The SLA clock from the start, its deadline as a search attribute, and one timer for its first warning.
  const { calendar, warnAtPercent } = vendor.sla;
  const startedAt = slaClockStart(intake.submittedAt, Date.now());
  const horizon = Math.max(startedAt, Date.now()) + HORIZON_MS;
  const clock: SlaClock = {
    startedAt,
    windows: await businessWindows({ calendar, fromMs: startedAt, toMs: horizon }),
    horizon,
    pauses: [],
    targetMs: targetMs(calendar),
    businessDayMs: businessDayMs(calendar),
  };
  const deadline = instantAtFraction(clock, 1)!;
  const firstWarning = instantAtFraction(clock, Math.min(...warnAtPercent) / 100)!;
  publish([
    { key: sa.connectionType, value: intake.connectionType },
    { key: sa.slaBreached, value: false },
    { key: sa.slaDeadline, value: new Date(deadline) },
    { key: sa.cloud, value: intake.cloud },
    { key: sa.company, value: intake.company },
    { key: sa.region, value: intake.region },
  ]);
  const sla = new CancellationScope();
  let warningDue = false;
  sla
    .run(() => sleep(firstWarning - Date.now()))
    .then(
      () => (warningDue = true),
      () => undefined,
    );

  // One activity per effect, in order, as they are queued.
  for (;;) {
    await condition(() => queue.length > 0 || state === 'active' || warningDue);
    while (queue.length) {
      const { seq: n, effect } = queue.shift()!;
      inFlight = 1;
      const idempotencyKey = `${workflowId}/${n}`;
      if (effect.type === 'postTicketComment') {
        await postTicketComment({ ticketId, comment: effect.params, idempotencyKey, startedBy });
      } else if (effect.type === 'notify') {
        await sendNotification({ ticketId, notification: effect.params, idempotencyKey });
      }
      inFlight = 0;
    }
    if (state === 'active') {
      // Enabled: the SLA clock stops, its timer goes.
      sla.cancel();
      break;
    }
    // The warning itself is beyond the path this workflow is measured on.
    if (warningDue) warningDue = false;
  }
  await condition(() => false);
}
