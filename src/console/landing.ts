/** What `/` shows a person who opens the server's address: where the console and the API's documents are. */
import { type Html, html } from './html';

/** The landing page; without Temporal (`console` false) it says the console is not served. */
export function landingPage(console: boolean): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>PrivateLink enablement engine</title>
      </head>
      <body>
        <main>
          <h1>PrivateLink enablement engine</h1>
          <ul>
            ${console ? html`<li><a href="/console">Staff console</a>: the inbox, each request's steps and history</li>` : html`<li>The staff console is not served: this server has no Temporal connection.</li>`}
            <li><a href="/openapi.json">API description</a> (OpenAPI 3.1)</li>
            <li><a href="/healthz">Liveness</a> · <a href="/readyz">readiness</a></li>
          </ul>
        </main>
      </body>
    </html>`;
}
