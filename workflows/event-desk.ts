/**
 * Where every event a request receives is checked and recorded: parsed, compared with what was applied already
 * (repeats and reused eventIds), held to the per-request limits, and run through the machine. The workflow calls it
 * for signals and updates alike; the update's validator calls it first, and its verdict is kept for the handler so a
 * live update is checked and transitioned once.
 */
import { ApplicationFailure, currentUpdateInfo } from '@temporalio/workflow';
import { checkEvent, type EnablementEvent, type EventCheck } from '../src/domain/events';
import { limits, quoted } from '../src/domain/limits';
import type { Effect } from '../src/machines';
import {
  applyRequestEvent,
  changeTicketOf,
  type RequestRefusal,
  type RequestState,
  requestStateName,
  type RequestStep,
} from '../src/machines/request';
import { failureTypes, type FailureType } from '../src/temporal/failures';
import type { AuditEntry, EnablementEventInput } from '../src/temporal/messages';
import type { AuditTrail } from './audit-trail';

/** The validator's verdict on an update it accepted, kept for the update's handler. */
interface Validated {
  updateId: string;
  against: RequestState;
  parsed: EventCheck;
  step: RequestStep | RequestRefusal;
}

/** What stopped an event before the machine saw it (see `gate`). */
type Gate = { kind: 'duplicate'; of: number } | { kind: 'refused'; reason: string; failureType: FailureType };

/** What became of an event: its audit entry, the new snapshot and its effects when applied, the refusal when not. */
export interface Received {
  entry: AuditEntry;
  applied?: { state: RequestState; effects: Effect[] };
  refusal?: string;
  failureType?: FailureType;
  /** What to tell a change ticket about its refused change, when no person saw the refusal (signals only). */
  answer?: Effect[];
}

export class EventDesk {
  // Used only while the snapshot is the one the verdict was made against, and only by the update it was made for.
  private validated: Validated | undefined;

  constructor(private readonly trail: AuditTrail) {}

  /**
   * The update validator: throws to turn an update away without a trace in the history (malformed, a repeat, refused
   * by a limit or by the machine). Before the request has loaded (`current` undefined) only the event's form is checked.
   */
  validate(current: RequestState | undefined, raw: EnablementEventInput): void {
    this.validated = undefined;
    const parsed = checkEvent(raw);
    if (!parsed.ok) throw new Error(parsed.reason);
    if (!current) return;
    const gated = this.gate(parsed.event);
    if (gated?.kind === 'duplicate') {
      throw ApplicationFailure.create({
        type: failureTypes.duplicateEvent,
        message: `Applied already (event ${gated.of}).`,
        details: [gated.of],
        nonRetryable: true,
      });
    }
    if (gated?.kind === 'refused') throw ApplicationFailure.nonRetryable(gated.reason, gated.failureType);
    const step = applyRequestEvent(current, parsed.event, new Date().toISOString());
    if ('refused' in step) {
      if (step.conflict) throw ApplicationFailure.nonRetryable(step.message, failureTypes.changeInProgress);
      throw new Error(step.message);
    }
    const updateId = currentUpdateInfo()?.id;
    if (updateId) this.validated = { updateId, against: current, parsed, step };
  }

  /** Applies an event to `current`, or records why not. */
  receive(current: RequestState, raw: EnablementEventInput, via: AuditEntry['via'], updateId?: string): Received {
    const validated = this.validated;
    const reuse = updateId && validated?.updateId === updateId && validated.against === current ? validated : undefined;
    this.validated = undefined;
    const from = requestStateName(current);
    const parsed = reuse?.parsed ?? checkEvent(raw);
    const changeTicketId = parsed.ok ? changeTicketOf(current, parsed.event) : undefined;
    const base = {
      type: typeof raw?.type === 'string' ? raw.type : quoted(raw?.type),
      actor: typeof raw?.actor === 'string' ? raw.actor : '(unknown)',
      via,
      ...(typeof raw?.eventId === 'string' ? { eventId: raw.eventId } : {}),
      ...(typeof raw?.comment === 'string' ? { comment: raw.comment } : {}),
      from,
      ...(changeTicketId !== undefined ? { changeTicketId } : {}),
    };
    const refuse = (reason: string, failureType?: FailureType, answer?: Effect[]): Received => ({
      entry: this.trail.record({ ...base, result: 'refused', to: from, reason }),
      refusal: reason,
      ...(failureType ? { failureType } : {}),
      ...(answer && via === 'signal' ? { answer } : {}),
    });
    if (!parsed.ok) return refuse(parsed.reason);
    const gated = reuse ? undefined : this.gate(parsed.event);
    if (gated?.kind === 'duplicate') return { entry: this.trail.repeat({ ...base, to: from }, gated.of) };
    if (gated?.kind === 'refused') return refuse(gated.reason, gated.failureType);
    const step = reuse?.step ?? applyRequestEvent(current, parsed.event, new Date().toISOString());
    if ('refused' in step) {
      return refuse(step.message, step.conflict ? failureTypes.changeInProgress : undefined, step.answer);
    }
    const entry = this.trail.record({ ...base, result: 'applied', to: requestStateName(step.state) }, parsed.event);
    return { entry, applied: { state: step.state, effects: step.effects } };
  }

  /**
   * What stops a well-formed event before the machine sees it: a repeat of an applied event, its eventId reused for a
   * different event by the same sender, or a per-request limit.
   */
  private gate(event: EnablementEvent): Gate | undefined {
    const seen = this.trail.check(event);
    if (seen.kind === 'duplicate') return seen;
    if (seen.kind === 'reused') {
      return {
        kind: 'refused',
        failureType: failureTypes.eventIdReused,
        reason: `eventId ${quoted(event.eventId)} was already used by ${event.actor} for a different ${event.type} event (event ${seen.of}); send this one with a new eventId.`,
      };
    }
    if (event.type === 'note.added' && this.trail.noteCount >= limits.notesPerRequest) {
      return {
        kind: 'refused',
        failureType: failureTypes.limitReached,
        reason: `This request already has ${limits.notesPerRequest} notes, the most one request keeps; write further notes on the ticket.`,
      };
    }
    return undefined;
  }
}
