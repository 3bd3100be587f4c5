/**
 * The inbox: requests as a table a person works down, the filters in the URL (a view can be bookmarked and shared),
 * each row with its SLA badge. The default view is what waits on the vendor.
 */
import { clouds } from '../domain/formats';
import { connectionTypes } from '../domain/intake';
import { enablementStatuses, waitingOnValues } from '../machines/view';
import type { RequestSummary } from '../temporal/visibility';
import { type Html, html, queryString } from './html';
import { badge, page, type PageFrame, waitingOnText } from './layout';
import { badgeClock, rowBadge, type SlaPolicy } from './sla-badge';
import { stateLabel } from './steps';

/** The inbox's filters as the URL carries them (empty: any). */
export interface InboxFilters {
  status?: string;
  waitingOn?: string;
  cloud?: string;
  connectionType?: string;
  company?: string;
  breached?: string;
  /** Who works on them; {@link NOBODY} for the ones nobody does. */
  assignee?: string;
  /** Words found in the ticket id, company, accounts or endpoint ids. */
  q?: string;
}

/** A request still on its way to enabled: its SLA clock may be running. */
const isOpen = (status: string | null) => status === 'awaiting_information' || status === 'in_progress';

/** The inbox's value of `assignee` for the requests nobody works on. */
export const NOBODY = '-';

/** The filters a bare `/console` shows: what waits on the vendor. */
export const defaultInboxFilters: InboxFilters = { waitingOn: 'vendor' };

/** One page of the inbox. */
export interface InboxView {
  filters: InboxFilters;
  rows: RequestSummary[];
  /** The next page's link: a position in the index, or visibility's signed page token; none on the last page. */
  next: { after: string } | { pageToken: string } | null;
  /** True when this is not the first page. */
  paged: boolean;
  /** `breach`: soonest SLA breach first (the index); `newest`: most recently started first (visibility). */
  order: 'breach' | 'newest';
  /** How many requests match in all (the index knows; visibility does not say). */
  total?: number;
  /** When the index last heard from Temporal (ms). */
  syncedAt?: number;
  /** Where the page hears that what it shows has changed (Server-Sent Events). */
  live?: string;
}

/** After this long without news from Temporal, the inbox says its list may be out of date. */
const STALE_MS = 30_000;

const select = (name: string, label: string, options: readonly string[], value: string | undefined, any = 'any') =>
  html`<label
    >${label}
    <select name="${name}">
      <option value="" ${value ? '' : html` selected`}>${any}</option>
      ${options.map((o) => html`<option value="${o}" ${o === value ? html` selected` : ''}>${o.replace(/_/g, ' ')}</option>`)}
    </select></label
  >`;

/** Whose requests: anyone's, mine, nobody's, or the person a shared link names. */
function assigneeSelect(value: string | undefined, me: string): Html {
  const options: [string, string][] = [
    ['', 'anyone'],
    [me, `me (${me})`],
    [NOBODY, 'nobody'],
    ...(value && value !== me && value !== NOBODY ? [[value, value] as [string, string]] : []),
  ];
  return html`<label
    >Assignee
    <select name="assignee">
      ${options.map(([v, text]) => html`<option value="${v}" ${v === (value ?? '') ? html` selected` : ''}>${text}</option>`)}
    </select></label
  >`;
}

/** The inbox page. */
export function inboxPage(frame: PageFrame, view: InboxView, policy: SlaPolicy | undefined, now: number): Html {
  const f = view.filters;
  const me = frame.session?.subject ?? '';
  const rows = view.rows.map((r) => {
    const b = rowBadge(r, policy, now);
    // An enabled request with a change open is listed as its change: the change's step and its own SLA clock.
    const change = r.status === 'enabled' && !r.closedAt ? r.openChange : null;
    const running = change ? change.slaDeadline !== null : isOpen(r.status);
    const deadline = change ? change.slaDeadline : r.slaDeadline;
    return html`<tr>
      <th scope="row">
        <a href="/console/requests/${encodeURIComponent(r.ticketId)}">${r.ticketId}</a>${
          change ? html`<br /><span class="change">change ${change.ticketId}</span>` : ''
        }
      </th>
      <td>${r.company ?? html`<span class="muted">not given</span>`}</td>
      <td>${r.cloud ?? '–'} · ${r.connectionType ?? '–'}</td>
      <td>${change ? 'change open' : (r.status ?? 'unknown').replace(/_/g, ' ')}</td>
      <td>${change ? `change: ${change.kind.replace(/_/g, ' ')}` : r.state ? stateLabel(r.state) : '–'}</td>
      <td>${waitingOnText(r.waitingOn)}</td>
      <td>${r.assignee ?? html`<span class="muted">nobody</span>`}</td>
      <td>${badge(b, badgeClock(deadline, policy, now, running && b.tone !== 'paused'))}</td>
      <td>
        <time datetime="${r.startedAt ?? ''}">${r.startedAt ? r.startedAt.slice(0, 16).replace('T', ' ') : '–'}</time>
      </td>
    </tr>`;
  });
  const here = queryString({ ...f });
  return page(
    frame,
    html`<h1>${frame.nav === 'mine' ? 'My requests' : 'Inbox'}</h1>
      <form class="filters" method="get" action="/console" role="search" aria-label="Filter requests">
        ${select('waitingOn', 'Waiting on', waitingOnValues, f.waitingOn)}
        ${select('status', 'Status', enablementStatuses, f.status)} ${select('cloud', 'Cloud', clouds, f.cloud)}
        ${select('connectionType', 'Type', connectionTypes, f.connectionType)}
        ${select('breached', 'SLA', ['true', 'false'], f.breached)} ${assigneeSelect(f.assignee, me)}
        <label>Company <input name="company" value="${f.company ?? ''}" maxlength="200" autocomplete="off" /></label>
        <label
          >Find
          <input
            name="q"
            type="search"
            value="${f.q ?? ''}"
            maxlength="256"
            autocomplete="off"
            size="34"
            placeholder="ticket, company, account, endpoint id"
        /></label>
        <button type="submit">Apply</button>
        <a href="/console?waitingOn=">Show all</a>
      </form>
      ${
        view.syncedAt !== undefined && now - view.syncedAt > STALE_MS
          ? html`<p class="stale" role="alert">
              This list may be out of date: it last heard from Temporal at
              ${new Date(view.syncedAt).toISOString().slice(11, 19)} UTC. A request's own page is always current.
            </p>`
          : ''
      }
      <p class="count" role="status" ${view.live ? html` data-inbox-live="${view.live}"` : ''}>${countText(view)}</p>
      ${
        view.rows.length
          ? html`<table class="requests">
              <caption class="visually-hidden">
                ${
                  view.order === 'breach'
                    ? 'Requests and open changes, soonest SLA breach first; then those with no SLA clock yet, paused ones, and ended ones'
                    : 'Requests, most recently started first'
                }
              </caption>
              <thead>
                <tr>
                  <th scope="col">Ticket</th>
                  <th scope="col">Company</th>
                  <th scope="col">Cloud · type</th>
                  <th scope="col">Status</th>
                  <th scope="col">Step</th>
                  <th scope="col">Waiting on</th>
                  <th scope="col">Assignee</th>
                  <th scope="col">SLA</th>
                  <th scope="col">Started (UTC)</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>`
          : ''
      }
      <nav class="pager" aria-label="Pages">
        ${view.paged ? html`<a href="/console${here || '?waitingOn='}">First page</a>` : ''}
        ${view.next ? html`<a rel="next" href="/console${queryString({ ...f, ...view.next })}">Next page</a>` : ''}
      </nav>`,
  );
}

/** What the count line says: how many match (when known) and how many this page shows, in which order. */
function countText(view: InboxView): string {
  if (!view.rows.length) return 'No request matches these filters.';
  const shown = `${view.rows.length} request${view.rows.length === 1 ? '' : 's'} on this page`;
  if (view.total === undefined) return `${shown}, most recently started first`;
  return `${view.total} request${view.total === 1 ? '' : 's'} match; ${shown}, soonest SLA breach first`;
}
