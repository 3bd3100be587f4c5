import { join } from 'node:path';
import type { VendorConfig } from '../src/domain/vendor-config';
import type { ActivityDeps } from './index';
import { type ActivityLogger, WebhookNotifier } from './notifier';
import { FileTicketSystem } from './ticket-file';

/**
 * The adapters `npm start` and `npm run worker` use, from the environment: comments go to `TICKET_LOG_FILE` (default
 * `<DATA_DIR>/ticket-comments.jsonl`), notifications are logged and, with `NOTIFY_WEBHOOK_URL`, POSTed there.
 */
export function activityDepsFromEnv(
  env: NodeJS.ProcessEnv,
  vendorConfig: VendorConfig,
  log: ActivityLogger,
): ActivityDeps {
  const dataDir = env.DATA_DIR || '.data';
  return {
    tickets: new FileTicketSystem(env.TICKET_LOG_FILE || join(dataDir, 'ticket-comments.jsonl')),
    notifier: new WebhookNotifier(env.NOTIFY_WEBHOOK_URL || undefined, log),
    vendorConfig,
    connectivityTimeoutMs: env.CONNECTIVITY_TIMEOUT_MS ? Number(env.CONNECTIVITY_TIMEOUT_MS) : undefined,
  };
}
