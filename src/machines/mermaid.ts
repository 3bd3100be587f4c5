import type { AnyStateMachine, AnyStateNode } from 'xstate';

interface Edge {
  from: string;
  to: string;
  label: string;
}

/** A guard's name: given by name or as `{ type }`; one combined with and() / or() / not() names its parts. */
export function guardName(guard: unknown): string | undefined {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const { guards, check } = guard as { guards?: unknown[]; check?: { name?: string } };
    if (!Array.isArray(guards)) return undefined;
    const names = guards.map((g) => guardName(g) ?? '?');
    const how = check?.name ?? '';
    if (/not/i.test(how)) return `not ${names.join(', ')}`;
    return names.join(/or/i.test(how) ? ' or ' : ' and ');
  }
  return typeof guard === 'object' && guard !== null ? String((guard as { type: unknown }).type) : undefined;
}

/** `event [guard]`, or `[guard]` / `(always)` for eventless transitions. */
function label(eventType: string, guard: unknown): string {
  const name = guardName(guard);
  if (!name) return eventType || '(always)';
  return eventType ? `${eventType} [${name}]` : `[${name}]`;
}

function edgesOf(node: AnyStateNode): Edge[] {
  const transitions = [
    ...[...node.transitions].flatMap(([eventType, definitions]) => definitions.map((t) => [eventType, t] as const)),
    ...(node.always ?? []).map((t) => ['', t] as const),
  ];
  return transitions.flatMap(([eventType, t]) =>
    (t.target ?? []).map((target) => ({ from: node.key, to: target.key, label: label(eventType, t.guard) })),
  );
}

/**
 * A Mermaid state diagram of a flat machine, drawn from its definition: every state, every transition with its
 * event and guard, and states coloured by the party they wait on. Transitions that every open state has (e.g.
 * cancellation) are drawn once, as a note, instead of from each state.
 */
export function toMermaid(machine: AnyStateMachine): string {
  const states = Object.values(machine.root.states) as AnyStateNode[];
  const open = states.filter((s) => s.type !== 'final' && (s.always ?? []).length === 0);
  const byState = new Map(states.map((s) => [s.key, edgesOf(s)]));
  // What every open state has (edges, and events taken without a transition), found among the first open state's.
  const first = open.slice(0, 1);
  const everywhereEdges = first
    .flatMap((s) => byState.get(s.key)!)
    .filter((edge) => open.every((s) => byState.get(s.key)!.some((e) => e.to === edge.to && e.label === edge.label)));
  const targetless = first
    .flatMap((s) => [...s.transitions.keys()])
    .filter((type) => open.every((s) => s.transitions.get(type)?.every((t) => !t.target)));
  const isEverywhere = (edge: Edge) => everywhereEdges.some((e) => e.to === edge.to && e.label === edge.label);

  const lines = ['stateDiagram-v2'];
  const initial = machine.root.initial.target[0]?.key;
  if (initial) lines.push(`  [*] --> ${initial}`);
  for (const state of states) {
    for (const edge of byState.get(state.key)!) {
      if (open.includes(state) && isEverywhere(edge)) continue;
      lines.push(`  ${edge.from} --> ${edge.to}: ${edge.label}`);
    }
  }
  for (const state of states.filter((s) => s.type === 'final')) lines.push(`  ${state.key} --> [*]`);
  const anchor = everywhereEdges[0]?.to;
  if (anchor) {
    const what = [
      ...everywhereEdges.map((e) => `${e.label} → ${e.to}`),
      ...targetless.map((type) => `${type} (no transition)`),
    ];
    lines.push(`  note right of ${anchor}: From every open state<br/>${what.join('<br/>')}`);
  }
  lines.push('  classDef vendor fill:#dbeafe,stroke:#1e3a8a,color:#1e3a8a');
  lines.push('  classDef customer fill:#fef3c7,stroke:#78350f,color:#78350f');
  lines.push('  classDef ended fill:#e5e7eb,stroke:#374151,color:#111827');
  for (const tag of ['customer', 'vendor'] as const) {
    const tagged = states.filter((s) => s.tags.includes(tag) && !(tag === 'vendor' && s.tags.includes('customer')));
    if (tagged.length) lines.push(`  class ${tagged.map((s) => s.key).join(',')} ${tag}`);
  }
  const ended = states.filter((s) => s.type === 'final');
  if (ended.length) lines.push(`  class ${ended.map((s) => s.key).join(',')} ended`);
  return lines.join('\n');
}
