import { HttpStatusError, type Notifier, type OutgoingNotification } from './ports';

/** Minimal logger shape (pino's, or console-like in tests). */
export interface ActivityLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * Logs every notification and, when a URL is configured, POSTs it as JSON to a generic webhook (Slack/Teams
 * workflow endpoints, an on-call tool, or any service of yours), with an `Idempotency-Key` header.
 */
export class WebhookNotifier implements Notifier {
  readonly name: string;

  constructor(
    private readonly url: string | undefined,
    private readonly log: ActivityLogger,
    private readonly timeoutMs = 10_000,
  ) {
    this.name = url ? `webhook:${new URL(url).origin}` : 'log';
  }

  async send(notification: OutgoingNotification): Promise<void> {
    this.log.info({ notification }, 'notification');
    if (!this.url) return;
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': notification.idempotencyKey },
      body: JSON.stringify({ ...notification, sentAt: new Date().toISOString() }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      throw new HttpStatusError(
        this.name,
        response.status,
        (await response.text()).slice(0, 200) || response.statusText,
      );
    }
  }
}
