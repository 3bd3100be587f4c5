/**
 * A request's page: its path as a step list with the current step marked, who it waits on, the intake as the ticket
 * gave it, the problems still open, the comments and notifications sent, the product's connectivity check, and only
 * the steps allowed now, each as its own form (the API's schemas, the API's refusals shown by the field).
 */
import type { EventType } from '../domain/events';
import type { Principal } from '../api/auth';
import { maySend } from '../api/record-event';
import type { StateView } from '../temporal/messages';
import { type EventForm, eventForm, type FormField } from './forms';
import { type Html, html } from './html';
import { badge, page, type PageFrame, waitingOnText } from './layout';
import { badgeClock, slaBadge, type SlaPolicy } from './sla-badge';
import { pathSteps, stateLabel } from './steps';

/** What a form shows when it comes back: the values typed, and the problems by field. */
export interface FormState {
  type: EventType;
  values: Record<string, string>;
  fields: Record<string, string>;
  other: string[];
}

/** The steps kept for later in the page (after the state's own steps), in a fold of their own. */
const asides: readonly EventType[] = ['ticket.updated', 'request.cancelled'];

function fieldHtml(form: EventForm, field: FormField, state: FormState | undefined): Html {
  const id = `${form.type}-${field.name}`.replace(/[^A-Za-z0-9_-]/g, '-');
  const value = state?.type === form.type ? (state.values[field.name] ?? '') : '';
  const error = state?.type === form.type ? state.fields[field.name] : undefined;
  const described = [`${id}-hint`, ...(error ? [`${id}-error`] : [])].join(' ');
  const common = html`id="${id}" name="${field.name}"
  aria-describedby="${described}"${field.required ? html` required aria-required="true"` : ''}${error ? html` aria-invalid="true"` : ''}`;
  const control =
    field.control === 'select'
      ? html`<select ${common}>
          <option value="">${field.required ? 'choose' : 'default'}</option>
          ${(field.options ?? []).map(
            (o) => html`<option value="${o}" ${o === value ? html` selected` : ''}>${o}</option>`,
          )}
        </select>`
      : field.control === 'text'
        ? html`<input type="text" ${common} value="${value}" autocomplete="off" spellcheck="false" />`
        : html`<textarea ${common} rows="${field.control === 'json' ? 4 : 3}">${value}</textarea>`;
  return html`<div class="field${error ? ' invalid' : ''}">
    <label for="${id}">${field.label}${field.required ? html` <span class="req">(required)</span>` : ''}</label>
    ${control}
    <p class="hint" id="${id}-hint">${field.hint}</p>
    ${error ? html`<p class="error" id="${id}-error">${field.label}: ${error}</p>` : ''}
  </div>`;
}

/** One step's form. */
export function eventFormHtml(
  ticketId: string,
  form: EventForm,
  ctx: { csrf: string; seen: number; state?: FormState },
): Html {
  const mine = ctx.state?.type === form.type ? ctx.state : undefined;
  return html`<form
    method="post"
    action="/console/requests/${encodeURIComponent(ticketId)}/events"
    class="event-form"
    data-event="${form.type}"
    aria-labelledby="form-${form.type}"
  >
    <h3 id="form-${form.type}">${form.title}</h3>
    <input type="hidden" name="_csrf" value="${ctx.csrf}" />
    <input type="hidden" name="type" value="${form.type}" />
    <input type="hidden" name="seen" value="${ctx.seen}" />
    ${
      mine?.other.length
        ? html`<div class="error" role="alert" data-focus>
            <p>Not recorded:</p>
            <ul>
              ${mine.other.map((p) => html`<li>${p}</li>`)}
            </ul>
          </div>`
        : ''
    }
    ${form.fields.map((f) => fieldHtml(form, f, ctx.state))}
    ${
      form.irreversible
        ? html`<div class="field confirm">
            <label
              ><input type="checkbox" name="confirm" value="yes" required /> I understand this cannot be undone</label
            >
          </div>`
        : ''
    }
    <button type="submit" ${form.irreversible ? html` class="danger"` : ''}>${form.verb}</button>
  </form>`;
}

/**
 * Who works on the request, and the buttons to claim it, give it up, take it over or hand it to someone: each sends
 * `request.assigned` with the assignee it expects now, so a claim made at the same time as another is refused.
 */
function assignmentHtml(view: StateView, who: Principal, csrf: string): Html {
  const current = view.assignee;
  const may = view.allowedEvents.includes('request.assigned') && maySend(who, 'request.assigned');
  const form = (assignee: string, label: string, extra: Html | string = '') =>
    html`<form method="post" action="/console/requests/${encodeURIComponent(view.ticketId)}/events" class="inline">
      <input type="hidden" name="_csrf" value="${csrf}" />
      <input type="hidden" name="type" value="request.assigned" />
      <input type="hidden" name="expected" value="${current ?? ''}" />
      ${extra}${assignee === '*' ? '' : html`<input type="hidden" name="assignee" value="${assignee}" />`}
      <button type="submit" class="secondary">${label}</button>
    </form>`;
  const buttons = !may
    ? ''
    : current === who.subject
      ? form('', 'Unclaim')
      : html`${form(who.subject, current ? `Take over from ${current}` : 'Claim')}`;
  const handOver = may
    ? form(
        '*',
        'Assign',
        html`<label for="assign-to" class="visually-hidden">Assign to</label
          ><input
            id="assign-to"
            name="assignee"
            type="text"
            placeholder="someone@vendor.example"
            autocomplete="off"
            required
          />`,
      )
    : '';
  return html`<div class="assignment">
    <span>Assignee: <strong>${current ?? 'nobody'}</strong></span> ${buttons} ${handOver}
  </div>`;
}

function definitions(values: Record<string, unknown>): Html {
  const rows = Object.entries(values).map(
    ([k, v]) =>
      html`<dt>${k}</dt>
        <dd>${typeof v === 'string' ? v : JSON.stringify(v)}</dd>`,
  );
  return rows.length ? html`<dl class="facts">${rows}</dl>` : html`<p class="muted">Nothing yet.</p>`;
}

/** The request page's content for a person: forms only for the steps their role may record. */
export function requestPage(
  frame: PageFrame,
  view: StateView,
  who: Principal,
  opts: { csrf: string; state?: FormState; policy?: SlaPolicy; now?: number },
): Html {
  const ticket = encodeURIComponent(view.ticketId);
  const steps = pathSteps(view.connectionType, view.state);
  const allowed = view.allowedEvents.filter(
    (t) => maySend(who, t) && t !== 'ticket.submitted' && t !== 'request.assigned',
  );
  const own = allowed.filter((t) => !asides.includes(t) && t !== 'note.added');
  const later = allowed.filter((t) => asides.includes(t));
  const ctx = { csrf: opts.csrf, seen: view.eventCount.total, state: opts.state };
  const sla = slaBadge(view.sla);
  const clock = view.sla
    ? badgeClock(view.sla.deadline, opts.policy, opts.now ?? Date.now(), !view.sla.stoppedAt && !view.sla.paused)
    : undefined;
  const draft = view.request.intake ?? view.request.draft ?? {};
  return page(
    frame,
    html`<div
        class="request-head"
        data-ticket="${view.ticketId}"
        data-seen="${view.eventCount.total}"
        data-assignee="${view.assignee ?? ''}"
      >
        <h1>${view.ticketId} <span class="company">${view.company ?? 'company not given'}</span></h1>
        <p class="summary">
          ${view.cloud ?? 'cloud not given'} · ${view.connectionType} ·
          <strong>${view.status.replace(/_/g, ' ')}</strong> · waiting on
          <strong>${waitingOnText(view.waitingOn)}</strong> · ${badge(sla, clock)}
        </p>
        ${assignmentHtml(view, who, opts.csrf)}
        ${view.stopped ? html`<p class="flash error" role="alert">This request's workflow was ${view.stopped.how}${view.stopped.at ? ` at ${view.stopped.at}` : ''}; what follows is the state it had then.</p>` : ''}
        <nav class="tabs" aria-label="Request">
          <a href="/console/requests/${ticket}" aria-current="page">Request</a>
          <a href="/console/requests/${ticket}/history">History</a>
        </nav>
      </div>
      <div class="columns">
        <section aria-labelledby="steps-h" class="steps-box">
          <h2 id="steps-h">Steps</h2>
          <ol class="steps">
            ${steps.map(
              (s) =>
                html`<li class="${s.progress}" ${s.progress === 'current' ? html` aria-current="step"` : ''}>
                  <span class="mark" aria-hidden="true"
                    >${s.progress === 'done' ? '✓' : s.progress === 'current' ? '▶' : '○'}</span
                  >
                  ${s.label}${s.detail ? html` <em>(${s.detail})</em>` : ''}${s.progress === 'current' && s.waitsOn !== 'none' ? html` <span class="waits">waits on ${s.waitsOn}</span>` : ''}${s.progress === 'done' ? html`<span class="visually-hidden"> (done)</span>` : ''}
                </li>`,
            )}
          </ol>
          ${
            view.change
              ? html`<h3>Open change ${view.change.ticketId}</h3>
                  <p>
                    ${view.change.what}: ${stateLabel(view.change.state)}, waiting on
                    ${waitingOnText(view.change.waitingOn)} · ${badge(slaBadge(view.change.sla))}
                  </p>`
              : ''
          }
        </section>
        <section aria-labelledby="next-h" class="next-box">
          <h2 id="next-h">Record a step</h2>
          ${
            own.length
              ? own.map((t) => eventFormHtml(view.ticketId, eventForm(t), ctx))
              : html`<p class="muted">
                  ${view.allowedEvents.length === 0 ? 'The request has ended: it takes no more steps.' : allowed.length === 0 ? `Your role (${who.role}) records no steps: this page is read-only for you.` : 'Nothing for the vendor to record now; the request waits on the customer.'}
                </p>`
          }
          ${later.map((t) => html`<details${opts.state?.type === t ? html` open` : ''}><summary>${eventForm(t).title}</summary>${eventFormHtml(view.ticketId, eventForm(t), ctx)}</details>`)}
          ${allowed.includes('note.added') ? eventFormHtml(view.ticketId, eventForm('note.added'), ctx) : ''}
        </section>
      </div>
      <section aria-labelledby="problems-h">
        <h2 id="problems-h">Problems still open</h2>
        ${
          view.request.problems.length
            ? html`<ul class="problems">
                ${view.request.problems.map((p) => html`<li><code>${p.field}</code> ${p.kind}: ${p.message}</li>`)}
              </ul>`
            : html`<p class="muted">None.</p>`
        }
      </section>
      <section aria-labelledby="intake-h">
        <h2 id="intake-h">Intake ${view.request.intake ? '(accepted)' : '(as the ticket gave it)'}</h2>
        ${definitions(draft)}
      </section>
      <section aria-labelledby="sent-h">
        <h2 id="sent-h">Comments and notifications sent</h2>
        ${
          view.effects.done.length
            ? html`<ul class="effects">
                ${view.effects.done.map(
                  (e) =>
                    html`<li class="${e.status}">
                      <time datetime="${e.at}">${e.at.slice(0, 16).replace('T', ' ')}</time>
                      ${e.type === 'postTicketComment' ? 'Ticket comment' : e.type === 'notify' ? 'Notification' : 'Connectivity check'}:
                      ${e.what.replace(/_/g, ' ')} —
                      <strong>${e.status}</strong>${e.detail ? html` <span class="detail">${e.detail}</span>` : ''}
                    </li>`,
                )}
              </ul>`
            : html`<p class="muted">None yet.</p>`
        }
        ${view.effects.pending ? html`<p>${view.effects.pending} waiting to be sent.</p>` : ''}
      </section>
      <section aria-labelledby="check-h">
        <h2 id="check-h">Connectivity check</h2>
        ${
          view.connectivityCheck
            ? html`<p>
                  ${view.connectivityCheck.ok ? '✓ Every port connected' : '✕ Not every port connected'} to
                  <code>${view.connectivityCheck.target}</code> at
                  <time datetime="${view.connectivityCheck.at}">${view.connectivityCheck.at}</time>.
                </p>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Port</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Detail</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${view.connectivityCheck.ports.map(
                      (p) =>
                        html`<tr>
                          <td>${p.port}</td>
                          <td>${p.outcome.replace(/_/g, ' ')}</td>
                          <td>${p.detail ?? (p.connectMs !== undefined ? `${p.connectMs} ms` : '')}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>`
            : html`<p class="muted">
                The product has not checked this connection (it checks the reverse connection once the customer accepts
                the vendor endpoint).
              </p>`
        }
      </section>
      <section aria-labelledby="events-h">
        <h2 id="events-h">Recent events</h2>
        <ul class="events">
          ${[...view.events]
            .reverse()
            .map(
              (e) =>
                html`<li>
                  <time datetime="${e.at}">${e.at.slice(0, 16).replace('T', ' ')}</time> <strong>${e.type}</strong> by
                  ${e.actor} —
                  ${e.result}${e.reason ? html`: ${e.reason}` : ''}${e.comment ? html` <q>${e.comment}</q>` : ''}
                </li>`,
            )}
        </ul>
        <p><a href="/console/requests/${ticket}/history">The whole history</a></p>
      </section>`,
  );
}
