/**
 * Reading Temporal history events for the audit timeline: payloads, times and failures. A history comes from a server
 * or from a saved export and may hold anything, so nothing here throws: what cannot be read is `undefined`, `{}` or
 * the empty string.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { isRecord } from '../domain/json';

/** One event of a workflow's history, as the server sends it (or `historyFromJSON` reads it from an export). */
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** A payload's value, or `undefined` when it is missing or does not decode. */
export function decode(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
}

/** The first of a list of payloads (a workflow's input, an activity's result, ...), decoded. */
export function first(payloads: { payloads?: Payload[] | null } | null | undefined): unknown {
  return decode(payloads?.payloads?.[0]);
}

/** The value as an object to read fields from: `{}` when it is not one. */
export function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

/**
 * When the event was recorded (ISO 8601, UTC). The server's histories carry `Long` seconds, `historyFromJSON` (the
 * stock CLI's JSON export) plain numbers: both read the same.
 */
export function timeOf(event: HistoryEvent): string {
  const ts = event.eventTime;
  const ms = ts ? Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000) : 0;
  return new Date(Number.isFinite(ms) ? ms : 0).toISOString();
}

/** The innermost cause's message: the outside system's words rather than the SDK's wrapper around them. */
export function failureMessage(failure: temporal.api.failure.v1.IFailure | null | undefined): string {
  let f = failure;
  while (f?.cause) f = f.cause;
  return f?.message ?? failure?.message ?? '';
}

/** Why an activity did not complete: the outside system's words, a timeout, or a cancellation. */
export function activityFailureDetail(event: HistoryEvent): string {
  if (event.activityTaskFailedEventAttributes) return failureMessage(event.activityTaskFailedEventAttributes.failure);
  if (event.activityTaskTimedOutEventAttributes) {
    return `timed out: ${failureMessage(event.activityTaskTimedOutEventAttributes.failure)}`;
  }
  return 'cancelled';
}
