/**
 * The attention list: what needs a person now, whoever it is assigned to. Requests past their SLA, changes past
 * theirs, requests whose ticket comments or notifications failed (a ticket system refusing them) or are being retried
 * (one not answering), and requests whose
 * connectivity check did not connect; each with a link to the request and, for engineers, to its workflow in the
 * Temporal UI.
 */
import type { AttentionGroup } from '../temporal/visibility';
import type { RequestSummary } from '../temporal/visibility';
import { type Html, html } from './html';
import { badge, page, type PageFrame, waitingOnText } from './layout';
import { rowBadge, type SlaPolicy } from './sla-badge';
import { stateLabel } from './steps';

/** Each group's heading and what a person does about it. */
const groups: Record<AttentionGroup, { title: string; what: string }> = {
  breached: { title: 'Past their SLA', what: 'Enablement requests whose five business days have run out.' },
  changeBreached: { title: 'Changes past their SLA', what: 'Open changes whose own deadline has passed.' },
  effectFailed: {
    title: 'Ticket comments or notifications failed',
    what: 'The ticket system (or the notification channel) refused the latest one: the customer or staff were not told. Check the request\'s "Comments and notifications sent", and the workflow in the Temporal UI.',
  },
  effectRetrying: {
    title: 'Ticket comments or notifications being retried',
    what: 'The ticket system (or the notification channel) did not take the latest one after a few tries (it did not answer, or answered with a server error); the product keeps trying with backoff for a day. The workflow in the Temporal UI shows each try and its error.',
  },
  checkFailed: {
    title: 'Connectivity checks failed',
    what: "The product's check from the vendor's network did not connect every port.",
  },
};

/** The attention page. */
export function attentionPage(
  frame: PageFrame,
  lists: Record<AttentionGroup, { rows: RequestSummary[]; more: boolean }>,
  opts: { policy: SlaPolicy | undefined; now: number; temporalUi?: (workflowId: string) => string },
): Html {
  const section = (group: AttentionGroup) => {
    const { rows, more } = lists[group];
    const g = groups[group];
    return html`<section aria-labelledby="h-${group}">
      <h2 id="h-${group}">${g.title} <span class="count">(${rows.length}${more ? '+' : ''})</span></h2>
      <p class="muted">${g.what}</p>
      ${
        rows.length
          ? html`<ul class="attention">
              ${rows.map(
                (r) =>
                  html`<li>
                    <a href="/console/requests/${encodeURIComponent(r.ticketId)}">${r.ticketId}</a>
                    ${r.company ?? ''} · ${r.state ? stateLabel(r.state) : '–'} · waiting on
                    ${waitingOnText(r.waitingOn)} ·
                    ${badge(rowBadge(r, opts.policy, opts.now))}${r.assignee ? html` · ${r.assignee}` : ''}
                    ${opts.temporalUi ? html` · <a href="${opts.temporalUi(r.workflowId)}" rel="noopener">workflow in the Temporal UI</a>` : ''}
                  </li>`,
              )}
            </ul>`
          : html`<p>None.</p>`
      }
      ${more ? html`<p>More than ${rows.length}: see the <a href="/console?breached=true&amp;waitingOn=">inbox</a>.</p>` : ''}
    </section>`;
  };
  return page(
    frame,
    html`<h1>Needs attention</h1>
      ${section('breached')} ${section('changeBreached')} ${section('effectFailed')} ${section('effectRetrying')}
      ${section('checkFailed')}`,
  );
}
