import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AnyStateMachine, setup } from 'xstate';
import { machines } from '../../src/machines';
import { toMermaid } from '../../src/machines/mermaid';

/** The Mermaid blocks of docs/machines.md, in order (the document `npm run docs:machines` writes). */
const documented = [
  ...readFileSync(join(__dirname, '../../docs/machines.md'), 'utf8').matchAll(/```mermaid\n([\s\S]*?)\n```/g),
].map((m) => m[1]);

/** The colours every diagram defines. */
const classDefs = [
  '  classDef vendor fill:#dbeafe,stroke:#1e3a8a,color:#1e3a8a',
  '  classDef customer fill:#fef3c7,stroke:#78350f,color:#78350f',
  '  classDef ended fill:#e5e7eb,stroke:#374151,color:#111827',
];

describe('the state diagrams', () => {
  it.each(Object.entries(machines).map(([type, machine], i) => [type, machine, i] as const))(
    'draws the %s machine as docs/machines.md shows it',
    (_type, machine, i) => {
      expect(toMermaid(machine)).toBe(documented[i]);
    },
  );

  it('draws every transition of every state, or names it once as open to every open state', () => {
    for (const machine of Object.values(machines)) {
      const diagram = toMermaid(machine);
      const note = diagram.split('\n').find((l) => l.includes('note right of'))!;
      expect(note).toContain('request.cancelled → cancelled');
      for (const state of Object.values(machine.root.states)) {
        for (const [event, transitions] of state.transitions) {
          for (const t of transitions) {
            for (const target of t.target ?? []) {
              const name =
                typeof t.guard === 'string'
                  ? t.guard
                  : typeof t.guard === 'object' && t.guard && 'type' in t.guard
                    ? String(t.guard.type)
                    : // and([...]) of named guards (the reverse leg's auto-accepting service): its parts, joined.
                      typeof t.guard === 'function'
                      ? (t.guard as unknown as { guards: string[] }).guards.join(' and ')
                      : undefined;
              const guard = name ? ` [${name}]` : '';
              const line = `  ${state.key} --> ${target.key}: ${event}${guard}`;
              const drawn = diagram.includes(`${line}\n`) || note.includes(`${event}${guard} → ${target.key}`);
              expect({ line, drawn }).toEqual({ line, drawn: true });
            }
          }
        }
        for (const t of state.always ?? []) {
          const guard = typeof t.guard === 'string' ? `[${t.guard}]` : '(always)';
          for (const target of t.target ?? [])
            expect(diagram).toContain(`\n  ${state.key} --> ${target.key}: ${guard}\n`);
        }
      }
    }
  });

  it('starts at the initial state, ends the final ones, and colours each state by whom it waits on', () => {
    const diagram = toMermaid(machines.unidirectional);
    expect(diagram.split('\n').slice(0, 2)).toEqual([
      'stateDiagram-v2',
      `  [*] --> ${machines.unidirectional.root.initial.target[0]!.key}`,
    ]);
    for (const final of ['enabled', 'rejected', 'cancelled']) expect(diagram).toContain(`\n  ${final} --> [*]`);
    expect(diagram).toMatch(/\n {2}class [\w,]*\benabled\b[\w,]* ended(\n|$)/);
    expect(diagram).toMatch(/\n {2}class [\w,]+ customer\n/);
    expect(diagram).toMatch(/\n {2}class [\w,]+ vendor\n/);
  });

  it('draws any flat machine: guards by name or object, eventless choices, targetless events, shared and unshared edges', () => {
    // A machine of its own, shaped to reach what the enablement machines do not: a state waiting on both sides, an
    // edge to the same target under another event in each open state, an event targetless in one state only.
    const tiny = setup({ guards: { ok: () => true } }).createMachine({
      id: 'tiny',
      initial: 'a',
      states: {
        a: {
          tags: ['customer'],
          on: { GO: 'b', STOP: 'done', PING: {}, NOTE: {}, ALT: { target: 'b', guard: 'ok' } },
        },
        b: {
          tags: ['vendor', 'customer'],
          on: { SELF: 'b', STOP: 'done', PING: {}, ALT2: { target: 'a', guard: { type: 'ok' } } },
        },
        c: { tags: ['vendor'], always: [{ target: 'done', guard: 'ok' }, { target: 'a' }] },
        done: { type: 'final' },
      },
    });
    expect(toMermaid(tiny).split('\n')).toEqual([
      'stateDiagram-v2',
      '  [*] --> a',
      '  a --> b: GO',
      '  a --> b: ALT [ok]',
      '  b --> b: SELF',
      '  b --> a: ALT2 [ok]',
      '  c --> done: [ok]',
      '  c --> a: (always)',
      '  done --> [*]',
      '  note right of done: From every open state<br/>STOP → done<br/>PING (no transition)',
      '  classDef vendor fill:#dbeafe,stroke:#1e3a8a,color:#1e3a8a',
      '  classDef customer fill:#fef3c7,stroke:#78350f,color:#78350f',
      '  classDef ended fill:#e5e7eb,stroke:#374151,color:#111827',
      '  class a,b customer',
      '  class c vendor',
      '  class done ended',
    ]);
  });

  it.each([
    {
      name: 'no states at all: no start, no note, no classes',
      config: { id: 'empty' },
      lines: ['stateDiagram-v2', ...classDefs],
    },
    {
      name: 'no edge shared by every open state, no tags, no final state: no note and no class lines',
      config: {
        id: 'loop',
        initial: 'a',
        states: { a: { on: { GO: 'b' } }, b: { on: { BACK: 'a' } } },
      },
      lines: ['stateDiagram-v2', '  [*] --> a', '  a --> b: GO', '  b --> a: BACK', ...classDefs],
    },
    {
      // STOP reaches another state besides done in b, b reaches done under another event, BACK leads elsewhere in each,
      // and PING has a target in a.
      name: 'only the edges every open state has with the same event and target go in the note',
      config: {
        id: 'near',
        initial: 'a',
        states: {
          a: { tags: ['vendor'], on: { STOP: 'done', BACK: 'b', PING: [{ target: 'b', guard: 'ok' }, {}], NOTE: {} } },
          b: { on: { STOP: ['done', 'a'], BACK: 'a', FINISH: 'done', PING: {}, NOTE: {} } },
          done: { type: 'final' },
        },
      },
      lines: [
        'stateDiagram-v2',
        '  [*] --> a',
        '  a --> b: BACK',
        '  a --> b: PING [ok]',
        '  b --> a: STOP',
        '  b --> a: BACK',
        '  b --> done: FINISH',
        '  done --> [*]',
        '  note right of done: From every open state<br/>STOP → done<br/>NOTE (no transition)',
        ...classDefs,
        '  class a vendor',
        '  class done ended',
      ],
    },
  ])('draws a machine with $name', ({ config, lines }) => {
    const machine = setup({ guards: { ok: () => true } }).createMachine(config as never) as unknown as AnyStateMachine;
    expect(toMermaid(machine).split('\n')).toEqual(lines);
  });
});
