import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ActivityDeps, createActivities } from '../../activities';
import { activityDeps } from '../../activities/deps';
import { type ActivityLogger, WebhookNotifier } from '../../activities/notifier';
import { FileTicketSystem } from '../../activities/ticket-file';
import { activitySettingsFromEnv } from '../../src/config/activities';
import type { Env } from '../../src/config/env';
import { exampleVendorConfig } from '../fixtures/requests';
import { WebhookReceiver } from './webhook-receiver';

const quietLog = { info: () => undefined, warn: () => undefined };

/** The product's real activities, wired to a ticket file in a temp folder and a local notification receiver. */
export interface TestActivities {
  activities: ReturnType<typeof createActivities>;
  tickets: FileTicketSystem;
  notifications: WebhookReceiver;
  deps: ActivityDeps;
}

/** Starts the notification receiver and builds the activities (call in beforeAll; `stop` in afterAll). */
export async function startTestActivities(
  overrides: Partial<ActivityDeps> = {},
): Promise<TestActivities & { stop(): Promise<void> }> {
  const notifications = await new WebhookReceiver().start();
  const tickets = new FileTicketSystem(join(mkdtempSync(join(tmpdir(), 'tickets-')), 'ticket-comments.jsonl'));
  const deps: ActivityDeps = {
    tickets,
    notifier: new WebhookNotifier(notifications.url, quietLog),
    vendorConfig: exampleVendorConfig(),
    connectivityTimeoutMs: 1_000,
    ...overrides,
  };
  return { activities: createActivities(deps), tickets, notifications, deps, stop: () => notifications.stop() };
}

/** The worker's adapters for an environment, as `npm start` builds them: settings read, then adapters made. */
export function activityDepsFromEnv(env: Env, log: ActivityLogger = quietLog): ActivityDeps {
  return activityDeps(activitySettingsFromEnv(env), exampleVendorConfig(), log);
}
