/** How the product's connectivity check (`curl -v telnet://<target>:<port>` per port) is told to people. */

/** One port's result, as the state view keeps it. */
export interface CheckedPort {
  port: number;
  outcome: 'connected' | 'refused' | 'timed_out' | 'dns_failure' | 'error' | 'not_allowed' | 'not_checked';
  connectMs?: number;
  /** Why it did not connect (the system's error, or why the target was not tried). */
  detail?: string;
}

/**
 * One line for a check's ports, the same in the effect record, the staff notification and `plctl status`:
 * `3306 connected in 2 ms, 2222 refused (why)`, each distinct reason a port did not connect said once, after the ports.
 */
export function checkPortsSummary(ports: readonly CheckedPort[]): string {
  const each = ports.map((p) => `${p.port} ${p.outcome}${p.connectMs !== undefined ? ` in ${p.connectMs} ms` : ''}`);
  const why = [...new Set(ports.filter((p) => p.outcome !== 'connected').map((p) => p.detail))].filter(Boolean);
  return `${each.join(', ')}${why.length ? ` (${why.join('; ')})` : ''}`;
}
