/**
 * Live request pages: each page open on a request listens on `GET /console/requests/:ticketId/live` (Server-Sent
 * Events) and hears when the request changes, with who recorded what, so a person is told before sending a form
 * made stale by someone else. One watcher per request polls its state for all the pages open on it, so ten people on
 * one request cost one query every {@link POLL_MS}; the number of listeners per process is bounded.
 */
import type { EnablementClient } from '../temporal/enablement-client';
import type { StateView } from '../temporal/messages';

/** How often a watched request's state is read. */
export const POLL_MS = 2_000;
/** Listeners one API process keeps at most (each is an open connection). */
export const MAX_LISTENERS = 500;
/** A comment line this often keeps proxies from closing a quiet stream. */
const HEARTBEAT_MS = 15_000;

/** What a page is told when its request changed. */
export interface Change {
  /** The request's event count now: the page's `seen` once it reloads. */
  seen: number;
  /** Who works on the request now. */
  assignee: string | null;
  state: string;
  /** What happened, in words: "alice@vendor.example recorded customer_access.granted". */
  said: string;
}

/** Something that listens to one request. */
export interface Listener {
  /** The page's idea of the request: its event count and assignee when it was rendered. */
  seen: number;
  assignee: string | null;
  send(change: Change): void;
  /** Ends the stream (the server is closing). */
  end(): void;
}

interface Watch {
  listeners: Set<Listener>;
  timer: NodeJS.Timeout;
}

/** What changed between what a listener saw and the view, in words; undefined when nothing did. */
export function changeOf(seen: { seen: number; assignee: string | null }, view: StateView): Change | undefined {
  const total = view.eventCount.total;
  if (total === seen.seen && view.assignee === seen.assignee) return undefined;
  const newer = view.events.filter((e) => e.seq > seen.seen && e.result !== 'duplicate');
  const said = newer.length
    ? newer.map((e) => `${e.actor} recorded ${e.type}${e.result === 'refused' ? ' (refused)' : ''}`).join('; ')
    : 'the request changed';
  return { seen: total, assignee: view.assignee, state: view.state, said };
}

/** The watchers of one API process. */
export class LiveRequests {
  private readonly watches = new Map<string, Watch>();
  private count = 0;

  constructor(
    private readonly requests: EnablementClient,
    private readonly pollMs = POLL_MS,
  ) {}

  /** Listeners now (for tests and metrics). */
  get listeners(): number {
    return this.count;
  }

  /** Adds a listener to a request; false when the process has as many as it keeps. Returns how to remove it. */
  listen(ticketId: string, listener: Listener): (() => void) | undefined {
    if (this.count >= MAX_LISTENERS) return undefined;
    let watch = this.watches.get(ticketId);
    if (!watch) {
      const timer = setInterval(() => void this.poll(ticketId), this.pollMs);
      timer.unref();
      watch = { listeners: new Set(), timer };
      this.watches.set(ticketId, watch);
    }
    watch.listeners.add(listener);
    this.count++;
    // A page rendered before a change that the watcher has already seen hears of it at once.
    void this.poll(ticketId);
    const current = watch;
    return () => {
      if (!current.listeners.delete(listener)) return;
      this.count--;
      if (current.listeners.size === 0) {
        clearInterval(current.timer);
        this.watches.delete(ticketId);
      }
    };
  }

  /** Stops every watcher and ends every stream (the server is closing: open streams would keep it open). */
  close(): void {
    for (const watch of this.watches.values()) {
      clearInterval(watch.timer);
      for (const listener of watch.listeners) listener.end();
    }
    this.watches.clear();
    this.count = 0;
  }

  private async poll(ticketId: string): Promise<void> {
    const watch = this.watches.get(ticketId);
    if (!watch) return;
    let view: StateView;
    try {
      view = await this.requests.get(ticketId);
    } catch {
      // No worker for a moment, a request that ended and went: the next poll tries again.
      return;
    }
    for (const listener of watch.listeners) {
      const change = changeOf(listener, view);
      if (!change) continue;
      listener.seen = change.seen;
      listener.assignee = change.assignee;
      try {
        listener.send(change);
      } catch {
        // A closed connection: its close handler removes it.
      }
    }
  }
}

/** One Server-Sent Event. */
export function sseEvent(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export { HEARTBEAT_MS };
