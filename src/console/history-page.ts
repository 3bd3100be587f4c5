/**
 * A request's history tab: the audit timeline as the API exports it, the result of checking its hash chain (and its
 * signature, when the server signs), and the exports to download. The same page for every role that may read.
 */
import type { TimelineExport } from '../audit/chain';
import type { SignatureCheck } from '../audit/signing';
import type { Verification } from '../audit/chain';
import { type Html, html } from './html';
import { page, type PageFrame } from './layout';

/** What checking the export found. */
export interface HistoryCheck {
  chain: Verification;
  signature: SignatureCheck;
}

function checkText(check: HistoryCheck): { ok: boolean; text: string } {
  if (!check.chain.ok) return { ok: false, text: `The chain does not verify: ${check.chain.problems.join('; ')}` };
  const sig = check.signature;
  const signed =
    sig.status === 'verified'
      ? `signed with key ${sig.keyId}, signature verified`
      : sig.status === 'unsigned'
        ? 'not signed (the server has no AUDIT_SIGNING_KEY_FILE)'
        : sig.status === 'not checked'
          ? `signed with key ${sig.keyId}`
          : `signature check failed: ${sig.problem}`;
  return {
    ok: sig.status !== 'failed',
    text: `Chain verified: ${check.chain.entries} entries, each hash linked to the one before; head ${check.chain.head.slice(0, 16)}…; ${signed}.`,
  };
}

/** The history tab. */
export function historyPage(frame: PageFrame, exported: TimelineExport, check: HistoryCheck): Html {
  const ticket = encodeURIComponent(exported.ticketId);
  const result = checkText(check);
  return page(
    frame,
    html`<div class="request-head">
        <h1>${exported.ticketId} <span class="company">history</span></h1>
        <nav class="tabs" aria-label="Request">
          <a href="/console/requests/${ticket}">Request</a>
          <a href="/console/requests/${ticket}/history" aria-current="page">History</a>
        </nav>
      </div>
      <p class="verify ${result.ok ? 'ok' : 'error'}" role="status">
        <span aria-hidden="true">${result.ok ? '✓' : '✕'}</span> ${result.text}
      </p>
      ${
        exported.archived
          ? html`<p class="archived">
              Read from Temporal's archive: this request (or an earlier run of it) has passed the namespace retention
              and is gone from Temporal's primary store. The entries are the ones it recorded.
            </p>`
          : ''
      }
      <p class="exports">
        Download: <a href="/console/requests/${ticket}/history.json" download hx-boost="false">JSON</a> ·
        <a href="/console/requests/${ticket}/history.csv" download hx-boost="false">CSV</a> (its signature in the
        <code>Audit-Signature</code> header) · check a saved export with <code>plctl history --verify</code>
      </p>
      <table class="timeline">
        <caption class="visually-hidden">
          Audit timeline, oldest first
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When (UTC)</th>
            <th scope="col">What</th>
            <th scope="col">Who</th>
            <th scope="col">Result</th>
            <th scope="col">State</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          ${exported.entries.map(
            (e) =>
              html`<tr>
                <td>${e.seq}</td>
                <td><time datetime="${e.at}">${e.at.slice(0, 19).replace('T', ' ')}</time></td>
                <td>${e.kind.replace(/_/g, ' ')}: <strong>${e.type}</strong></td>
                <td>
                  ${e.actor}${e.authenticated ? '' : html` <span class="warn" title="Written by ${e.via}, not by the product's own process">(outside the product)</span>`}
                </td>
                <td>${e.result}</td>
                <td>${e.from && e.to && e.from !== e.to ? `${e.from} → ${e.to}` : e.to}</td>
                <td>
                  ${e.detail}${
                    Object.keys(e.payload).length
                      ? html`<details>
                          <summary>fields</summary>
                          <dl class="facts">
                            ${Object.entries(e.payload).map(
                              ([k, v]) =>
                                html`<dt>${k}</dt>
                                  <dd>${v}</dd>`,
                            )}
                          </dl>
                        </details>`
                      : ''
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
      ${exported.pending.length ? html`<p>${exported.pending.length} event(s) received and not handled yet (outside the chain).</p>` : ''}`,
  );
}
