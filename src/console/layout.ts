/**
 * The frame of every console page: the header with the person signed in and the way out, the navigation, a polite
 * live region for announcements, and the page's own content. Scripts and styles come from this server only (the
 * content security policy allows nothing else).
 */
import type { Session } from './session';
import { type Html, html } from './html';
import type { BadgeClock, SlaBadge } from './sla-badge';

/** What a page says about where it is and who is looking. */
export interface PageFrame {
  title: string;
  session?: Session;
  /** The CSRF token forms on the page carry. */
  csrf?: string;
  /** Which navigation entry is the current page. */
  nav?: 'inbox' | 'mine' | 'attention';
  /** A message shown (and announced) at the top of the page: what just happened. */
  flash?: { tone: 'ok' | 'error'; text: string };
}

/** htmx's settings: no inline styles (the policy forbids them); 409/422 answers are pages to show, not errors. */
const htmxConfig = JSON.stringify({
  includeIndicatorStyles: false,
  allowScriptTags: false,
  allowEval: false,
  historyCacheSize: 0,
  // No style attributes carried over a swap: the content security policy allows no inline style.
  attributesToSettle: ['class', 'width', 'height'],
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '(401|403|404|409|413|422)', swap: true },
    { code: '[45]..', swap: false, error: true },
  ],
});

/** A whole page. */
export function page(frame: PageFrame, content: Html): Html {
  const s = frame.session;
  const nav = (id: PageFrame['nav'], href: string, text: string) =>
    html`<li><a href="${href}" ${frame.nav === id ? html` aria-current="page"` : ''}>${text}</a></li>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content="${htmxConfig}" />
        <title>${frame.title} · PrivateLink console</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script src="/console/assets/htmx.min.js" defer></script>
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body hx-boost="true">
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a class="brand" href="/console">PrivateLink console</a>
          ${
            s
              ? html`<nav aria-label="Views">
                    <ul>
                      ${nav('inbox', '/console', 'Inbox')}
                      ${nav('mine', `/console?assignee=${encodeURIComponent(s.subject)}`, 'Mine')}
                      ${nav('attention', '/console/attention', 'Needs attention')}
                    </ul>
                  </nav>
                  <div class="who">
                    <span>${s.subject}</span> <span class="role">${s.role}</span>
                    <form method="post" action="/console/sign-out">
                      <input type="hidden" name="_csrf" value="${frame.csrf}" /><button type="submit" class="link">
                        Sign out
                      </button>
                    </form>
                  </div>`
              : ''
          }
        </header>
        <div id="live" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>
        <main id="main" tabindex="-1">
          ${frame.flash ? html`<p class="flash ${frame.flash.tone}" role="${frame.flash.tone === 'error' ? 'alert' : 'status'}" data-focus>${frame.flash.text}</p>` : ''}
          ${content}
        </main>
      </body>
    </html>`;
}

/** The SLA badge as markup: tone for colour, icon and words for everyone, the full sentence for screen readers. */
export function badge(b: SlaBadge, clock?: BadgeClock): Html {
  // A running badge carries its clock: the console's script recounts it as time passes (see console.js).
  const data = clock
    ? html` data-due="${new Date(clock.due).toISOString()}" data-target="${clock.targetHours}"
      data-windows="${JSON.stringify(clock.windows)}"`
    : '';
  return html`<span class="sla sla-${b.tone}" title="${b.label}" ${data}
    ><span aria-hidden="true" class="sla-icon">${b.icon}</span>
    <span aria-hidden="true" class="sla-text">${b.text}</span
    ><span class="visually-hidden sla-label">${b.label}</span></span
  >`;
}

/** A person's or the product's name for whom a step waits on. */
export function waitingOnText(waitingOn: string | null): string {
  return waitingOn === 'vendor' ? 'vendor (us)' : waitingOn === 'customer' ? 'customer' : 'nobody';
}
