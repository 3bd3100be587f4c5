/**
 * Every environment variable the product reads, with the process kind that reads it, its default and its meaning: the
 * one list that `docs/configuration.md` documents (a test keeps the two in step) and that the config readers in this
 * folder are held to (a test passes each reader an environment that records what it reads).
 */

/** Which process reads a variable: all server processes, the HTTP API, the worker's activities, plctl, the binaries. */
export type VariableScope = 'runtime' | 'temporal' | 'api' | 'activities' | 'cli' | 'binaries';

/** One environment variable. */
export interface EnvironmentVariable {
  name: string;
  scope: VariableScope;
  /** The default, as a person would write it; `undefined` when unset means off or not used. */
  default?: string;
  meaning: string;
}

/** Every environment variable the product reads. */
export const environmentVariables: readonly EnvironmentVariable[] = [
  // npm start, npm run worker, npm run api
  { name: 'PORT', scope: 'runtime', default: '3000', meaning: 'HTTP API port' },
  { name: 'HOST', scope: 'runtime', default: '127.0.0.1', meaning: 'HTTP API interface (`0.0.0.0` to expose it)' },
  {
    name: 'DATA_DIR',
    scope: 'runtime',
    default: '.data',
    meaning: "embedded dev server's SQLite file, log and pid file",
  },
  { name: 'TEMPORAL_DEV_PORT', scope: 'runtime', default: '7233', meaning: "embedded dev server's gRPC port" },
  { name: 'TEMPORAL_UI_PORT', scope: 'runtime', default: '8233', meaning: 'Temporal UI port' },
  { name: 'TEMPORAL_UI', scope: 'runtime', default: 'true', meaning: '`false` runs the dev server headless' },
  {
    name: 'TEMPORAL_UI_WRITE_ACTIONS',
    scope: 'runtime',
    default: 'false',
    meaning: '`true` lets the embedded UI terminate, cancel, signal, reset and update workflows',
  },
  {
    name: 'LOG_LEVEL',
    scope: 'runtime',
    default: 'info',
    meaning:
      '`fatal` … `trace`, `silent`; logs are JSON (pino); at `info` the Temporal SDK logs warnings and errors only',
  },
  {
    name: 'METRICS_ADDRESS',
    scope: 'runtime',
    meaning:
      "serve the worker's Temporal SDK metrics for Prometheus at `http://<IP:port>/metrics` (e.g. `0.0.0.0:9464`)",
  },
  { name: 'HEALTH_PORT', scope: 'runtime', meaning: "`npm run worker`: serve the worker's `/healthz` on this port" },
  {
    name: 'WORKER_MAX_CACHED_WORKFLOWS',
    scope: 'runtime',
    default: 'SDK default',
    meaning: 'workflows the worker keeps in memory between tasks; `0` replays each task from the whole history',
  },
  {
    name: 'VENDOR_CONFIG',
    scope: 'runtime',
    default: 'config/vendor.example.json',
    meaning: 'the vendor configuration file (also read by `plctl sla deadline`)',
  },
  // The Temporal connection: the names Temporal's own tools use.
  {
    name: 'TEMPORAL_ADDRESS',
    scope: 'temporal',
    meaning: 'use this Temporal cluster (`host:port`) instead of starting a dev server',
  },
  { name: 'TEMPORAL_NAMESPACE', scope: 'temporal', default: 'default', meaning: 'namespace on that cluster' },
  { name: 'TEMPORAL_TLS', scope: 'temporal', meaning: '`true` for TLS without client certificates' },
  { name: 'TEMPORAL_TLS_CLIENT_CERT_PATH', scope: 'temporal', meaning: 'mTLS client certificate (PEM file)' },
  { name: 'TEMPORAL_TLS_CLIENT_KEY_PATH', scope: 'temporal', meaning: 'mTLS client key (PEM file)' },
  { name: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH', scope: 'temporal', meaning: "the server's CA (PEM file)" },
  { name: 'TEMPORAL_TLS_SERVER_NAME', scope: 'temporal', meaning: "override of the server's TLS name" },
  { name: 'TEMPORAL_API_KEY', scope: 'temporal', meaning: 'Temporal Cloud API key (turns TLS on)' },
  // The HTTP API
  {
    name: 'AUTH_TOKENS_FILE',
    scope: 'api',
    meaning: 'bearer tokens of the API (JSON file of subjects, roles, hashes)',
  },
  { name: 'OIDC_JWKS_URL', scope: 'api', meaning: "accept OIDC JWTs: the identity provider's key set" },
  { name: 'OIDC_ISSUER', scope: 'api', meaning: 'accept OIDC JWTs: the issuer (required with `OIDC_JWKS_URL`)' },
  { name: 'OIDC_AUDIENCE', scope: 'api', meaning: 'accept OIDC JWTs: the audience (required with `OIDC_JWKS_URL`)' },
  { name: 'OIDC_ALGORITHMS', scope: 'api', default: 'RS256,ES256', meaning: 'accepted JWT algorithms' },
  { name: 'OIDC_ROLE_CLAIM', scope: 'api', default: 'roles', meaning: 'the claim holding the role' },
  { name: 'OIDC_SUBJECT_CLAIM', scope: 'api', default: 'sub', meaning: 'the claim recorded as the actor' },
  {
    name: 'OIDC_MAX_TOKEN_AGE',
    scope: 'api',
    meaning: 'refuse JWTs issued longer ago than this (`iat`; seconds, or `15m`, `1h`, `1d`); set, `iat` is required',
  },
  { name: 'TICKET_WEBHOOK_SECRET', scope: 'api', meaning: 'switch `POST /webhooks/tickets` on with its secret(s)' },
  { name: 'ZENDESK_WEBHOOK_SECRET', scope: 'api', meaning: 'switch `POST /webhooks/zendesk` on with its secret(s)' },
  { name: 'JIRA_WEBHOOK_SECRET', scope: 'api', meaning: 'switch `POST /webhooks/jira` on with its secret(s)' },
  {
    name: 'JIRA_INTAKE_FIELDS',
    scope: 'api',
    meaning: 'Jira custom fields holding intake data, `customfield_10050=Project ID,…`',
  },
  {
    name: 'AUDIT_SIGNING_KEY_FILE',
    scope: 'api',
    meaning: 'sign audit exports with this Ed25519 private key (PEM file, `plctl audit-key new`)',
  },
  {
    name: 'PAGE_TOKEN_KEY',
    scope: 'api',
    meaning: "sign the request list's page tokens (32+ characters); unset, a random key per API process",
  },
  {
    name: 'TEMPORAL_UI_URL',
    scope: 'api',
    meaning: "the Temporal UI's address, for the console's links to a request's workflow (`npm start`: its own UI)",
  },
  {
    name: 'CONSOLE_SESSION_KEY',
    scope: 'api',
    meaning: "sign the staff console's session cookies (32+ characters); unset, a random key per API process",
  },
  {
    name: 'CONSOLE_OIDC_CLIENT_ID',
    scope: 'api',
    meaning:
      "sign in to the console with the OIDC provider (`OIDC_*`): the console's client id (authorization code + PKCE)",
  },
  {
    name: 'CONSOLE_OIDC_CLIENT_SECRET',
    scope: 'api',
    meaning: "the console's client secret, for a confidential client (a public client uses PKCE alone)",
  },
  {
    name: 'CONSOLE_URL',
    scope: 'api',
    meaning: 'the address people open the console at, for the OIDC redirect (`<CONSOLE_URL>/console/sign-in/callback`)',
  },
  // The worker's activities
  {
    name: 'TICKET_SYSTEM',
    scope: 'activities',
    default: 'file',
    meaning: 'where ticket comments go: `file`, `zendesk` or `jira`',
  },
  {
    name: 'TICKET_LOG_FILE',
    scope: 'activities',
    default: '<DATA_DIR>/ticket-comments.jsonl',
    meaning: "the file ticket system's comments",
  },
  { name: 'ZENDESK_BASE_URL', scope: 'activities', meaning: 'Zendesk site, e.g. `https://acme.zendesk.com`' },
  { name: 'ZENDESK_EMAIL', scope: 'activities', meaning: "the Zendesk API token's agent email" },
  { name: 'ZENDESK_API_TOKEN', scope: 'activities', meaning: 'Zendesk API token' },
  { name: 'JIRA_BASE_URL', scope: 'activities', meaning: 'Jira Cloud site, e.g. `https://acme.atlassian.net`' },
  { name: 'JIRA_EMAIL', scope: 'activities', meaning: "the Jira API token's account email" },
  { name: 'JIRA_API_TOKEN', scope: 'activities', meaning: 'Jira API token (from id.atlassian.com)' },
  {
    name: 'NOTIFY_WEBHOOK_URL',
    scope: 'activities',
    meaning: 'also POST notifications here (JSON, `Idempotency-Key`; https, no credentials in it)',
  },
  {
    name: 'CONNECTIVITY_TIMEOUT_MS',
    scope: 'activities',
    default: '5000',
    meaning: 'bound on each connectivity check',
  },
  // plctl
  { name: 'PLCTL_URL', scope: 'cli', default: 'http://127.0.0.1:3000', meaning: 'where `plctl` finds the API' },
  { name: 'PLCTL_TOKEN', scope: 'cli', meaning: "`plctl`'s bearer token" },
  // Finding, fetching or building the Temporal binaries
  { name: 'TEMPORAL_CLI_PATH', scope: 'binaries', meaning: 'use this Temporal CLI (dev server) binary' },
  { name: 'TEMPORAL_TEST_SERVER_PATH', scope: 'binaries', meaning: 'use this time-skipping test server binary' },
  {
    name: 'TEMPORAL_SERVER_PATH',
    scope: 'binaries',
    meaning: '`npm run cluster`: use this `temporal-server` (with `temporal-sql-tool` beside it)',
  },
  {
    name: 'PRIVATELINK_CACHE_DIR',
    scope: 'binaries',
    default: '${XDG_CACHE_HOME:-~/.cache}/privatelink-enablement',
    meaning: 'where built or fetched binaries are cached',
  },
  { name: 'XDG_CACHE_HOME', scope: 'binaries', default: '~/.cache', meaning: 'the base of the default cache folder' },
  { name: 'TEMPORAL_SKIP_DOWNLOAD', scope: 'binaries', meaning: "`1` skips the SDK's download step" },
  {
    name: 'TEMPORAL_DOWNLOAD_TIMEOUT_MS',
    scope: 'binaries',
    default: '180000',
    meaning: "bound on the SDK's download step once the network probe succeeded",
  },
  {
    name: 'TEMPORAL_TEST_SERVER_VERSION',
    scope: 'binaries',
    default: '1.38.0',
    meaning: 'Maven version of the test server',
  },
  {
    name: 'TEMPORAL_TEST_SERVER_JAVA_OPTS',
    scope: 'binaries',
    meaning: 'extra JVM options for the Maven-built test server (it runs `$JAVA_HOME/bin/java`, else `java`)',
  },
];

/** The names of {@link environmentVariables}. */
export const environmentVariableNames: readonly string[] = environmentVariables.map((v) => v.name);
