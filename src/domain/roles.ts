/**
 * Who may do what (docs/api.md "Authentication and roles"): support staff record steps, automation starts requests and forwards ticket events,
 * auditors read, admins do everything. `monitor` is for a metrics scraper (Prometheus): it may read `/metrics` and
 * nothing else. Tokens files and OIDC role claims name these.
 */
export const roles = ['support', 'automation', 'auditor', 'admin', 'monitor'] as const;

/** One of {@link roles}. */
export type Role = (typeof roles)[number];
