/**
 * The sign-in page: the organisation's identity provider when OIDC sign-in is configured, else a token form (the API's
 * own tokens), turned by the server into a session cookie.
 */
import { type Html, html, queryString } from './html';
import { page, type PageFrame } from './layout';

/** The sign-in page, with what went wrong last time, if anything. */
export function signInPage(
  frame: PageFrame,
  opts: { csrf: string; next: string; error?: string; provider?: string },
): Html {
  if (opts.provider !== undefined) {
    return page(
      frame,
      html`<h1>Sign in</h1>
        <div class="sign-in">
          ${opts.error ? html`<p class="error" role="alert" data-focus>${opts.error}</p>` : ''}
          <p>
            <a class="button" href="/console/sign-in/oidc${queryString({ next: opts.next })}"
              >Sign in with ${opts.provider}</a
            >
          </p>
          <p class="hint">
            Your organisation's identity provider signs you in; the console keeps only a session cookie, for 10 hours.
          </p>
        </div>`,
    );
  }
  return page(
    frame,
    html`<h1>Sign in</h1>
      <form method="post" action="/console/sign-in" class="sign-in" hx-boost="false">
        <input type="hidden" name="_csrf" value="${opts.csrf}" />
        <input type="hidden" name="next" value="${opts.next}" />
        ${opts.error ? html`<p class="error" role="alert" id="token-error" data-focus>${opts.error}</p>` : ''}
        <div class="field">
          <label for="token">API token</label>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="current-password"
            required
            aria-describedby="token-hint${opts.error ? ' token-error' : ''}"
            ${opts.error ? html` aria-invalid="true"` : ''}
          />
          <p class="hint" id="token-hint">
            The token you use with <code>plctl</code> (from <code>AUTH_TOKENS_FILE</code>). It is checked once; the
            console keeps only a session cookie, for 10 hours.
          </p>
        </div>
        <button type="submit">Sign in</button>
      </form>`,
  );
}
