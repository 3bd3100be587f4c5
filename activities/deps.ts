/** The activities' adapters as the worker builds them from its settings (src/config/activities.ts). */
import type { ActivitySettings } from '../src/config/activities';
import type { VendorConfig } from '../src/domain/vendor-config';
import type { ActivityDeps } from './index';
import { JiraTicketSystem } from './jira';
import { type ActivityLogger, WebhookNotifier } from './notifier';
import type { TicketSystem } from './ports';
import { FileTicketSystem } from './ticket-file';
import { ZendeskTicketSystem } from './zendesk';

/**
 * The adapters `npm start` and `npm run worker` use: the ticket system the settings choose, notifications logged and
 * (with a webhook URL) POSTed, and the vendor configuration the worker loaded at start.
 */
export function activityDeps(
  settings: ActivitySettings,
  vendorConfig: VendorConfig,
  log: ActivityLogger,
): ActivityDeps {
  if (settings.unused.length) {
    log.warn(
      { unused: settings.unused },
      `${settings.unused.join(' and ')} set but TICKET_SYSTEM is file: comments go to the ticket file`,
    );
  }
  return {
    tickets: ticketSystem(settings),
    notifier: new WebhookNotifier(settings.notifyWebhookUrl, log),
    vendorConfig,
    connectivityTimeoutMs: settings.connectivityTimeoutMs,
  };
}

function ticketSystem({ tickets }: ActivitySettings): TicketSystem {
  switch (tickets.kind) {
    case 'file':
      return new FileTicketSystem(tickets.path);
    case 'zendesk':
      return new ZendeskTicketSystem(tickets);
    case 'jira':
      return new JiraTicketSystem(tickets);
  }
}
