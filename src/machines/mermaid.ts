import type { AnyStateMachine, AnyStateNode } from 'xstate';

interface Edge {
  from: string;
  to: string;
  label: string;
}

/** `event [guard]`, or `[guard]` / `(always)` for eventless transitions. */
function label(eventType: string, guard: unknown): string {
  const guardName =
    typeof guard === 'string'
      ? guard
      : typeof guard === 'object' && guard !== null && 'type' in guard
        ? String(guard.type)
        : undefined;
  const event = eventType === '' ? '' : eventType;
  if (!guardName) return event || '(always)';
  return event ? `${event} [${guardName}]` : `[${guardName}]`;
}

function edgesOf(node: AnyStateNode): Edge[] {
  const edges: Edge[] = [];
  for (const [eventType, definitions] of node.transitions) {
    for (const t of definitions) {
      for (const target of t.target ?? [])
        edges.push({ from: node.key, to: target.key, label: label(eventType, t.guard) });
    }
  }
  for (const t of node.always ?? []) {
    for (const target of t.target ?? []) edges.push({ from: node.key, to: target.key, label: label('', t.guard) });
  }
  return edges;
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
  const everywhereEdges = (byState.get(open[0]?.key ?? '') ?? []).filter((edge) =>
    open.every((s) => byState.get(s.key)!.some((e) => e.to === edge.to && e.label === edge.label)),
  );
  const targetless = [...(open[0]?.transitions.keys() ?? [])].filter(
    (type) =>
      open.every((s) => s.transitions.get(type)?.every((t) => !t.target)) &&
      !everywhereEdges.some((e) => e.label === type),
  );
  const isEverywhere = (edge: Edge) => everywhereEdges.some((e) => e.to === edge.to && e.label === edge.label);

  const lines = ['stateDiagram-v2'];
  const initial = machine.root.initial?.target?.[0]?.key;
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
