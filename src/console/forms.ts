/**
 * Each event as a form: its fields read from the same schemas the API validates with (`eventBodyJsonSchemas`), so a
 * field added to an event shows in the console without changing it; and a form's values back into the event the API
 * would take. Values are checked by the API's own rules afterwards (`recordEvent`), never here.
 */
import { eventBodyJsonSchemas, type EventType } from '../domain/events';

/** One input of an event's form. */
export interface FormField {
  /** The form field's name: the event's field, `change.<field>` inside a change. */
  name: string;
  label: string;
  /** What the schema says of the field (its rule and limit). */
  hint: string;
  required: boolean;
  control: 'text' | 'textarea' | 'select' | 'json';
  options?: string[];
}

/** An event's form. */
export interface EventForm {
  type: EventType;
  /** What the step is, as a heading. */
  title: string;
  /** The submit button's words. */
  verb: string;
  /** Rejecting, cancelling, removing: the form asks the person to confirm first. */
  irreversible: boolean;
  fields: FormField[];
}

/** Each step's heading and button, in the words of the vendor's document. */
const words: Partial<Record<EventType, { title: string; verb: string }>> = {
  'ticket.submitted': { title: "The ticket's intake", verb: 'Submit intake' },
  'ticket.updated': { title: 'Update the intake from the ticket', verb: 'Update intake' },
  'customer_access.granted': { title: "The customer's account is allowlisted", verb: 'Record allowlisting' },
  'endpoint.requested': { title: 'The customer asked to connect their endpoint', verb: 'Record endpoint request' },
  'connection.approved': { title: 'The connection request is accepted', verb: 'Record acceptance' },
  'connection.rejected': { title: 'Reject the connection request', verb: 'Reject' },
  'ports.opened': { title: "The ports are open in the project's environment", verb: 'Record ports opened' },
  'connection.verified': { title: 'The customer confirmed the connection works', verb: 'Record verified' },
  'connection.failed': { title: "The customer's connection test failed", verb: 'Record failure' },
  'troubleshooting.resolved': { title: 'The problem is fixed; ask the customer to test again', verb: 'Record fix' },
  'principal.granted': { title: "The customer allowed the vendor's principal", verb: 'Record principal allowed' },
  'vendor_endpoint.created': { title: "The vendor's endpoint is created", verb: 'Record vendor endpoint' },
  'vendor_endpoint.failed': { title: "The vendor's endpoint could not be created", verb: 'Record failure' },
  'reverse_connection.approved': { title: "The customer accepted the vendor's endpoint", verb: 'Record acceptance' },
  'reverse_connection.rejected': { title: "The customer rejected the vendor's endpoint", verb: 'Record rejection' },
  'reverse_connection.verified': { title: 'The reverse connection works', verb: 'Record verified' },
  'reverse_connection.failed': { title: 'The reverse connection test failed', verb: 'Record failure' },
  'change.requested': { title: 'Open a change from a change ticket', verb: 'Open change' },
  'change.cancelled': { title: 'Cancel the open change', verb: 'Cancel change' },
  'customer_access.revoked': { title: "The customer's access is revoked", verb: 'Record revocation' },
  'connection.removed': { title: "The customer's connection is removed", verb: 'Record removal' },
  'vendor_endpoint.deleted': { title: "The vendor's endpoint is deleted", verb: 'Record deletion' },
  'request.cancelled': { title: 'Cancel the request', verb: 'Cancel request' },
  'request.assigned': { title: 'Assign the request', verb: 'Assign' },
  'note.added': { title: 'Add a note', verb: 'Add note' },
};

/** Steps that cannot be undone: each form asks for a confirmation, and the server checks it was given. */
export const irreversibleEvents: readonly EventType[] = [
  'connection.rejected',
  'request.cancelled',
  'change.cancelled',
  'customer_access.revoked',
  'connection.removed',
  'vendor_endpoint.deleted',
];

/** Fields whose text runs long: a text area. */
const longText = new Set(['reason', 'details', 'text', 'comment']);

interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  oneOf?: JsonSchema[];
}

const labelOf = (name: string) =>
  name
    .replace(/^change\./, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/\bDns\b/, 'DNS')
    .replace(/\bId\b/, 'id');

function fieldOf(name: string, schema: JsonSchema, required: boolean): FormField {
  const hint = schema.description ?? (schema.type === 'object' ? 'A JSON object' : '');
  if (schema.enum) return { name, label: labelOf(name), hint, required, control: 'select', options: schema.enum };
  if (schema.type === 'object' || schema.type === 'array' || schema.oneOf) {
    return { name, label: labelOf(name), hint: `${hint} (JSON)`, required, control: 'json' };
  }
  return { name, label: labelOf(name), hint, required, control: longText.has(name) ? 'textarea' : 'text' };
}

/** A change's fields: its kind, and every field any kind takes (the hint says which kinds). */
function changeFields(schema: JsonSchema): FormField[] {
  const kinds = (schema.oneOf ?? []).map((s) => String(s.properties?.kind?.const));
  const fields = new Map<string, { schema: JsonSchema; kinds: string[] }>();
  for (const variant of schema.oneOf ?? []) {
    const kind = String(variant.properties?.kind?.const);
    for (const [name, s] of Object.entries(variant.properties ?? {})) {
      if (name === 'kind') continue;
      const entry = fields.get(name) ?? { schema: s, kinds: [] };
      entry.kinds.push(kind);
      fields.set(name, entry);
    }
  }
  return [
    {
      name: 'change.kind',
      label: 'Change',
      hint: 'What the change ticket asks for',
      required: true,
      control: 'select',
      options: kinds,
    },
    ...[...fields].map(([name, { schema: s, kinds: k }]) => {
      const field = fieldOf(`change.${name}`, s, false);
      return { ...field, hint: `${field.hint} (for ${k.join(', ')})` };
    }),
  ];
}

const forms = new Map<EventType, EventForm>(
  eventBodyJsonSchemas().map(({ type, schema }) => {
    const s = schema as JsonSchema;
    const required = new Set(s.required ?? []);
    const payload = Object.entries(s.properties ?? {}).filter(
      ([name]) => !['type', 'eventId', 'comment'].includes(name),
    );
    const fields = payload.flatMap(([name, field]) =>
      name === 'change' && field.oneOf ? changeFields(field) : [fieldOf(name, field, required.has(name))],
    );
    if (type !== 'note.added') fields.push(fieldOf('comment', s.properties?.comment ?? {}, false));
    const w = words[type] ?? { title: type, verb: 'Record' };
    return [type, { type, ...w, irreversible: irreversibleEvents.includes(type), fields }];
  }),
);

/** The form of an event type. */
export function eventForm(type: EventType): EventForm {
  return forms.get(type)!;
}

/** The values a form sent (urlencoded: each a string; a repeated field's last value). */
export type FormValues = Record<string, string>;

/**
 * The event a form's values make (without its actor), or the fields that could not be read (JSON that does not
 * parse). Empty fields are left out, as an API caller would leave them out.
 */
export function eventFromForm(
  form: EventForm,
  values: FormValues,
): { ok: true; body: { type: EventType } & Record<string, unknown> } | { ok: false; problems: Record<string, string> } {
  const body: { type: EventType } & Record<string, unknown> = { type: form.type };
  const problems: Record<string, string> = {};
  for (const field of form.fields) {
    const text = values[field.name]?.trim() ?? '';
    if (!text) continue;
    let value: unknown = text;
    if (field.control === 'json') {
      try {
        value = JSON.parse(text);
      } catch {
        problems[field.name] = 'must be JSON, e.g. {"company": "Acme"}';
        continue;
      }
    }
    if (field.name.startsWith('change.')) {
      const change = (body.change ??= {}) as Record<string, unknown>;
      change[field.name.slice('change.'.length)] = value;
    } else {
      body[field.name] = value;
    }
  }
  if (values.eventId?.trim()) body.eventId = values.eventId.trim();
  return Object.keys(problems).length ? { ok: false, problems } : { ok: true, body };
}

/**
 * The API's problems ("field: rule") sorted to the form's fields; the ones that name no field of the form are kept
 * for the form's head.
 */
export function problemsByField(
  form: EventForm,
  problems: readonly string[],
): { fields: Record<string, string>; other: string[] } {
  const names = new Set(form.fields.map((f) => f.name));
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const problem of problems) {
    const at = problem.indexOf(': ');
    const name = at > 0 ? problem.slice(0, at) : '';
    if (names.has(name) && !fields[name]) fields[name] = problem.slice(at + 2);
    else other.push(problem);
  }
  return { fields, other };
}
