import { HttpStatusError, type Notifier, type OutgoingNotification } from './ports';

/** Minimal logger shape (pino's, or console-like in tests). */
export interface ActivityLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/**
 * The longest notification text that leaves the system, in characters as sent (escapes included). A longer one keeps
 * its first two thirds and its last third, cut in the middle at ` … `: the ticket and what happened lead a message, the
 * step to take ends it, and the values in between (a reason, a quoted field) are what gets cut.
 */
export const NOTIFICATION_MAX_CHARS = 1_500;

/** C0 and C1 control characters (newlines and tabs too): each becomes a space, so no value can start a line. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Invisible characters that hide or reorder text (zero-width, bidi embeddings, overrides and isolates, BOM). */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;
/** Chat markup's three escapes (Slack: `<!channel>`, `<@U…>`, `<http://…|label>` are all written with `<` and `>`). */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const CUT = ' … ';

/**
 * A notification's text as it may reach a chat channel: the machines interpolate customer values (a project id, a
 * reason) into the product's sentences, and the product's sentences use no markup, so the whole text is escaped as
 * text: control characters become spaces, invisible ones go, `&`, `<` and `>` are escaped (`<!channel>` arrives as
 * the words, never as a mention, and `<http://evil|click>` never as a disguised link), and the result is cut to
 * {@link NOTIFICATION_MAX_CHARS}, never inside an escape or a character.
 */
export function notificationText(message: string): string {
  const plain = message.replace(CONTROL, ' ').replace(INVISIBLE, '');
  const units = Array.from(plain, (char) => ESCAPES[char] ?? char);
  const length = units.reduce((sum, unit) => sum + unit.length, 0);
  if (length <= NOTIFICATION_MAX_CHARS) return units.join('');
  const budget = NOTIFICATION_MAX_CHARS - CUT.length;
  const take = (from: string[], max: number): string[] => {
    const kept: string[] = [];
    let used = 0;
    for (const unit of from) {
      if (used + unit.length > max) break;
      kept.push(unit);
      used += unit.length;
    }
    return kept;
  };
  const head = take(units, Math.floor((budget * 2) / 3));
  const headLength = head.reduce((sum, unit) => sum + unit.length, 0);
  const tail = take([...units].reverse(), budget - headLength).reverse();
  return `${head.join('')}${CUT}${tail.join('')}`;
}

/**
 * Cuts the secret parts of a webhook URL out of a text: services put their secret in the URL's path (Slack's
 * `/services/T…/B…/<secret>`) or query (Teams workflows' `sig=`), and a receiver's error page may echo them ("Cannot
 * POST /services/…"). What is left names the host at most.
 */
function urlRedactor(url: URL): (text: string) => string {
  const parts = [url.href, `${url.pathname}${url.search}`, url.pathname, url.search.slice(1)];
  for (const segment of url.pathname.split('/')) parts.push(segment, safeDecode(segment));
  for (const [, value] of url.searchParams) parts.push(value, encodeURIComponent(value));
  const secrets = [...new Set(parts.filter((p) => p.length >= 6))].sort((a, b) => b.length - a.length);
  return (text) => secrets.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Logs every notification and, when a URL is configured, POSTs it as JSON to a generic webhook (Slack/Teams
 * workflow endpoints, an on-call tool, or any service of yours), with an `Idempotency-Key` header. The text is
 * {@link notificationText}: escaped, without control characters, bounded. Errors (which end up in the workflow's
 * history) name the receiver by its origin only, never the URL's path or query.
 */
export class WebhookNotifier implements Notifier {
  readonly name: string;
  private readonly target: URL | undefined;
  private readonly redact: (text: string) => string;

  constructor(
    url: string | undefined,
    private readonly log: ActivityLogger,
    private readonly timeoutMs = 10_000,
  ) {
    let target: URL | undefined;
    if (url) {
      try {
        target = new URL(url);
      } catch {
        throw new Error('The notification webhook URL is not a URL.');
      }
      if (target.username || target.password) {
        throw new Error('The notification webhook URL must not contain credentials (user:password@).');
      }
    }
    this.target = target;
    this.name = target ? `webhook:${target.origin}` : 'log';
    this.redact = target ? urlRedactor(target) : (text) => text;
  }

  async send(notification: OutgoingNotification): Promise<void> {
    const outgoing = { ...notification, message: notificationText(notification.message) };
    this.log.info({ notification: outgoing }, 'notification');
    if (!this.target) return;
    let response: Response;
    try {
      response = await fetch(this.target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': outgoing.idempotencyKey },
        body: JSON.stringify({ ...outgoing, sentAt: new Date().toISOString() }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      // A new error without the original as its cause: causes are recorded too, and may carry the URL.
      throw new Error(`${this.name} could not be reached: ${this.redact(describeFetchError(err))}`);
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim();
      throw new HttpStatusError(this.name, response.status, this.redact(text.slice(0, 200)) || response.statusText);
    }
  }
}

/** A failed fetch's reason: undici says "fetch failed" and puts the reason (refused, not found, ...) in its cause. */
function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  if (err.name === 'TimeoutError') return err.message;
  return cause ? `${err.message} (${cause})` : err.message;
}
