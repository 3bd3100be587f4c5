/**
 * Jira Cloud webhooks: the `X-Hub-Signature` of admin webhooks registered with a secret, and the issue payloads of
 * `jira:issue_created` / `jira:issue_updated`. Register the webhook for "Issue: created" and "Issue: updated",
 * ideally with a JQL filter such as `summary ~ "PrivateLink"`; every other event is acknowledged and ignored.
 *
 * Our ticket id is the issue key (`PL-42`, workflow `privatelink-PL-42`). Descriptions and comments arrive as
 * Atlassian Document Format (ADF) or as plain/wiki text; both are read for `Key: value` lines.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isRecord } from '../domain/json';
import { hasCommentFooter } from '../ticket-systems/comment-ref';
import { jiraIssueKeyPattern, richText } from '../ticket-systems/jira';
import { changeTicketOf, hasChangeFields, isChangeTicket, layerChanges, parseChangeDescription } from './change';
import { companyFromSubject, intakeFromFields, layerDrafts, parseDescription } from './description';
import {
  describeValue as describe,
  isoSeconds,
  mentionsPrivateLink,
  type SignatureVerdict,
  type TicketWebhookEvent,
  type TicketWebhookParse,
} from './types';

/** Header with `sha256=<hex HMAC-SHA256(secret, raw body)>` (WebSub's `method=signature`). */
export const JIRA_SIGNATURE_HEADER = 'x-hub-signature';
/** Header naming one delivery, the same on its retries; a good {@link TicketWebhookEvent.deliveryId}. */
export const JIRA_DELIVERY_HEADER = 'x-atlassian-webhook-identifier';

const digestBytes = new Map([
  ['sha256', 32],
  ['sha384', 48],
  ['sha512', 64],
]);

/**
 * Checks Jira's webhook signature: `X-Hub-Signature: <method>=<hex HMAC(secret, raw body)>`, where Jira Cloud uses
 * `sha256` (sha384 and sha512 are accepted too). Pass the body exactly as received. Several secrets may be given
 * (rotation). Jira signs no timestamp, so replays are caught by deduplicating on `X-Atlassian-Webhook-Identifier`.
 */
export function verifyJiraSignature(input: {
  rawBody: Buffer;
  signature?: string;
  secrets: readonly string[];
}): SignatureVerdict {
  const secrets = input.secrets.filter((s) => s.length > 0);
  if (!secrets.length) {
    return fail("no Jira webhook secret is configured: use the secret set on the webhook in Jira's System > WebHooks");
  }
  const header = input.signature?.trim();
  if (!header) {
    return fail(
      'missing X-Hub-Signature header: Jira signs only webhooks registered with a secret (System > WebHooks > Secret)',
    );
  }
  const match = /^([A-Za-z0-9-]{1,16})=([0-9A-Fa-f]+)$/.exec(header);
  if (!match) return fail('X-Hub-Signature must look like "sha256=<hex digest>"');
  const method = match[1]!.toLowerCase();
  const bytes = digestBytes.get(method);
  if (!bytes) return fail(`X-Hub-Signature uses "${method}"; only sha256, sha384 and sha512 are accepted`);
  const hex = match[2]!;
  if (hex.length !== bytes * 2) return fail(`X-Hub-Signature is not a ${method} digest (wrong length)`);
  const given = Buffer.from(hex, 'hex');
  let matched = false;
  // Every secret is tried, so the time taken does not tell which one (if any) matched.
  for (const secret of secrets) {
    if (timingSafeEqual(createHmac(method, secret).update(input.rawBody).digest(), given)) matched = true;
  }
  if (!matched) {
    return fail(
      "signature does not match: either the body was changed after signing (verify the raw bytes, not re-serialized JSON) or the webhook's secret is not among the configured secrets",
    );
  }
  return { ok: true };
}

function fail(reason: string): SignatureVerdict {
  return { ok: false, reason };
}

/** Options of {@link parseJiraWebhook}. */
export interface JiraParseOptions {
  /** The `X-Atlassian-Webhook-Identifier` header. */
  deliveryId?: string;
  /**
   * Issue fields that hold intake data, by Jira field id, e.g. `{ "customfield_10050": "Project ID" }` (values are
   * intake keys). Their values win over `Key: value` lines.
   */
  customFields?: Readonly<Record<string, string>>;
}

/**
 * Reads a Jira Cloud webhook body. `jira:issue_created`: the description's `Key: value` lines, then `customFields`.
 * `jira:issue_updated`: the description's lines only when the changelog shows the description changed, the lines of
 * the comment the update carries (unless it is one of ours), then `customFields`. The subject is the summary,
 * `company` defaults to the one the subject names, `submittedAt` is the issue's `created`. Other events, issues whose
 * summary does not mention PrivateLink and updates with no intake fields give `ignored`. A change issue (its
 * description names the connection's ticket, `PrivateLink ticket: PL-42`) gives the change it asks for (`change`, see
 * src/webhooks/change.ts) from its description, and on an update from the comment's change keys over it; an update
 * whose description did not change and whose comment has no change keys is ignored. Never throws.
 */
export function parseJiraWebhook(body: unknown, options: JiraParseOptions = {}): TicketWebhookParse {
  if (!isRecord(body) || typeof body.webhookEvent !== 'string') {
    return { ok: false, problems: ['the body is not a Jira webhook: it has no "webhookEvent"'] };
  }
  const webhookEvent = body.webhookEvent;
  if (webhookEvent !== 'jira:issue_created' && webhookEvent !== 'jira:issue_updated') {
    return {
      ok: true,
      ignored: `Jira event "${webhookEvent.slice(0, 80)}" is not used; only "jira:issue_created" and "jira:issue_updated" are`,
    };
  }
  const issue = isRecord(body.issue) ? body.issue : undefined;
  if (!issue) return { ok: false, problems: ['"issue" must be the issue object Jira sends with issue events'] };
  if (typeof issue.key !== 'string' || !jiraIssueKeyPattern.test(issue.key.trim())) {
    return { ok: false, problems: [`"issue.key" must be a Jira issue key such as PL-42 (got ${describe(issue.key)})`] };
  }
  const key = issue.key.trim();
  const fields = isRecord(issue.fields) ? issue.fields : {};
  const summary = typeof fields.summary === 'string' ? fields.summary.trim() : undefined;
  if (!mentionsPrivateLink(summary)) {
    return {
      ok: true,
      ignored: `issue ${key} is not a PrivateLink request (summary ${describe(summary)}); filter the webhook with JQL such as summary ~ "PrivateLink"`,
    };
  }

  const kind = webhookEvent === 'jira:issue_created' ? 'created' : 'updated';
  const created = typeof fields.created === 'string' ? fields.created : undefined;
  const descriptionText = richText(fields.description);
  // An issue whose description names a connection's ticket asks to change that connection.
  const changeLines = parseChangeDescription(descriptionText);
  if (isChangeTicket(changeLines)) {
    let asked = changeLines;
    if (kind === 'updated') {
      const text = isRecord(body.comment) ? richText(body.comment.body) : '';
      const fromComment = parseChangeDescription(hasCommentFooter(text) ? undefined : text);
      if (!descriptionChanged(body.changelog) && !hasChangeFields(fromComment)) {
        return { ok: true, ignored: `the update of change issue ${key} carries no change keys` };
      }
      asked = layerChanges(changeLines, fromComment);
    }
    const value: TicketWebhookEvent = {
      source: 'jira',
      kind,
      ticketId: key,
      intake: { ticketId: key, subject: summary },
      change: changeTicketOf(asked, { source: 'jira', ticketId: key, ...(created ? { submittedAt: created } : {}) }),
    };
    if (options.deliveryId) value.deliveryId = options.deliveryId;
    if (asked.unknownKeys.length) value.unknownKeys = asked.unknownKeys;
    return { ok: true, value };
  }

  // A field the issue lacks or leaves empty reads as absent.
  const custom = intakeFromFields(
    Object.entries(options.customFields ?? {}).map(
      ([fieldId, label]) => [label, jiraFieldValue(fields[fieldId])] as const,
    ),
  );
  const empty = { draft: {}, unknownKeys: [] as string[] };
  let description = empty;
  let comment = empty;
  if (kind === 'created' || descriptionChanged(body.changelog)) {
    description = parseDescription(descriptionText);
  }
  if (kind === 'updated' && isRecord(body.comment)) {
    const text = richText(body.comment.body);
    if (!hasCommentFooter(text)) comment = parseDescription(text);
  }
  if (
    kind === 'updated' &&
    ![description, comment, custom].some((p) => Object.keys(p.draft).length) &&
    !changed(body.changelog, 'summary')
  ) {
    return { ok: true, ignored: `the update of issue ${key} carries no intake fields` };
  }

  const submittedAt = isoSeconds(created) ?? created;
  const company = companyFromSubject(summary);
  const value: TicketWebhookEvent = {
    source: 'jira',
    kind,
    ticketId: key,
    intake: layerDrafts(
      company ? { company } : {},
      summary ? { subject: summary } : {},
      description.draft,
      comment.draft,
      custom.draft,
      { ticketId: key, ...(submittedAt ? { submittedAt } : {}) },
    ),
  };
  if (options.deliveryId) value.deliveryId = options.deliveryId;
  const unknownKeys = [...description.unknownKeys, ...comment.unknownKeys, ...custom.unknownKeys];
  if (unknownKeys.length) value.unknownKeys = unknownKeys;
  return { ok: true, value };
}

function descriptionChanged(changelog: unknown): boolean {
  return changed(changelog, 'description');
}

function changed(changelog: unknown, field: string): boolean {
  if (!isRecord(changelog) || !Array.isArray(changelog.items)) return false;
  return changelog.items.some((item) => isRecord(item) && (item.field === field || item.fieldId === field));
}

/** A custom field's value as intake data: option objects give their `value`, ADF its text, arrays a list. */
function jiraFieldValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(jiraFieldValue).filter((v) => typeof v === 'string');
  if (isRecord(value)) {
    if (value.type === 'doc') return richText(value);
    for (const key of ['value', 'name', 'key']) if (typeof value[key] === 'string') return value[key];
    return undefined;
  }
  return value;
}
