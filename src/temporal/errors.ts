/**
 * What the Temporal client's errors mean for a caller: no such request, a request that has ended, an update the
 * workflow refused, or Temporal (or the worker) not answering now. Turns the last into the product's `unavailable`
 * {@link AppError}, with a message that says what to do.
 */
import {
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { type ServiceError, status as grpcStatus } from '@grpc/grpc-js';
import { AppError, errorChain } from '../errors';

/** True when Temporal has no such workflow (or no such open run, for updates and signals). */
export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === grpcStatus.NOT_FOUND);
}

/** True when the workflow's run has already closed. */
export function isClosedRun(err: unknown): boolean {
  return errorChain(err).some((e) => /already completed|workflow execution.*(completed|closed)/i.test(e.message));
}

/** True when `err` or one of its causes is a `type`. */
export function hasCause(err: unknown, type: new (...args: never[]) => Error): boolean {
  return errorChain(err).some((e) => e instanceof type);
}

/** The innermost message of an error: for a failed update, the workflow's own words. */
export function innermostMessage(err: unknown): string {
  return errorChain(err).at(-1)?.message ?? String(err);
}

/**
 * The first gRPC error with one of `codes` in `err`'s chain (the client wraps gRPC errors: a query's ServiceError has
 * the gRPC error as its cause), if any.
 */
export function grpcErrorOf(err: unknown, ...codes: grpcStatus[]): ServiceError | undefined {
  return errorChain(err)
    .filter(isGrpcServiceError)
    .find((e) => codes.includes(e.code));
}

/** True when `err` or one of its causes is a gRPC error with one of `codes`. */
export const hasGrpcCode = (err: unknown, ...codes: grpcStatus[]): boolean => grpcErrorOf(err, ...codes) !== undefined;

/** True when a deadline we set ended the call: DEADLINE_EXCEEDED from the client, or CANCELLED from the server. */
export function isOwnDeadline(err: unknown): boolean {
  return hasGrpcCode(err, grpcStatus.DEADLINE_EXCEEDED, grpcStatus.CANCELLED);
}

/**
 * Rethrows an error from a Temporal call as the caller should see it: an AppError as it is; an update whose answer did
 * not come, or Temporal (or the worker) not answering, as `unavailable` with what to do; anything else unchanged.
 */
export function rethrowTemporalError(err: unknown): never {
  if (err instanceof AppError) throw err;
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    throw new AppError(
      'unavailable',
      'Temporal did not confirm the event in time; it may still be applied. Check the request, or send it again with the same eventId (applied once).',
    );
  }
  const transient = grpcErrorOf(err, grpcStatus.UNAVAILABLE, grpcStatus.DEADLINE_EXCEEDED, grpcStatus.CANCELLED);
  if (transient) {
    throw new AppError(
      'unavailable',
      transient.code === grpcStatus.DEADLINE_EXCEEDED
        ? 'Temporal or the worker did not answer in time (is a worker running?); try again shortly.'
        : 'Temporal is not reachable right now; try again shortly.',
    );
  }
  throw err;
}
