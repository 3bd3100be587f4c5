/**
 * HTML for the console's pages: a tagged template that escapes every value it is given, so text from a ticket, a
 * customer or an event can never become markup. Only values already made by `html` (or marked {@link raw} for the
 * product's own constants) go in as they are.
 */

/** Markup that is safe to put in a page as it is. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const replacements: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML: the five characters that mean something in markup or in an attribute are escaped. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => replacements[c]!);
}

/** A value as it goes into a page: markup as it is, lists one after another, nothing for null/undefined/false. */
function render(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  if (typeof value === 'string') return escapeHtml(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // Anything else is data a page shows as text: as JSON, escaped.
  return escapeHtml(JSON.stringify(value) ?? '');
}

/** `html\`<p>${text}</p>\``: the template's own markup as written, every value escaped. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new Html(out);
}

/** The product's own markup (a constant, never data) as it is. */
export function raw(text: string): Html {
  return new Html(text);
}

/** A query string from the set values, for links that keep a view's filters (`?status=…&cloud=…`). */
export function queryString(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== '') params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : '';
}
