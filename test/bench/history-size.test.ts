import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { historySize } from '../../bench/history-size';
import { scenarios } from '../replay/scenarios';

/** What `npm run bench` reports of a history's cost in Temporal actions, on recorded histories of real runs. */
const { EventType } = temporal.api.enums.v1;
const recorded = (scenario: string) =>
  historyFromJSON(
    JSON.parse(readFileSync(join(__dirname, '..', 'replay', 'histories', `${scenario}.json`), 'utf8')) as unknown,
  );
const scheduled = (history: temporal.api.history.v1.IHistory) =>
  (history.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).length;

describe('Temporal actions of a history', () => {
  it('counts one start and one update per event a unidirectional request was sent, and sums the kinds', () => {
    const { actions } = historySize(recorded('aws-unidirectional'));
    // The recording: the forward leg to enabled, then the change that removes the connection.
    const sent = scenarios.find((s) => s.name === 'aws-unidirectional')!.events.length;
    expect(actions.starts).toBe(1);
    expect(actions.signals + actions.updates).toBe(sent);
    expect(actions.searchAttributeUpserts).toBeGreaterThan(sent);
    expect(actions.total).toBe(
      actions.starts +
        actions.signals +
        actions.updates +
        actions.activities +
        actions.timers +
        actions.searchAttributeUpserts +
        actions.memoUpserts,
    );
  });

  it('counts each retry of an activity as an action of its own', () => {
    const clean = recorded('aws-unidirectional');
    const retried = recorded('aws-effect-retry');
    // Without failures, one attempt per scheduled activity; with five failed comment attempts, five more.
    expect(historySize(clean).actions.activities).toBe(scheduled(clean));
    expect(historySize(retried).actions.activities - scheduled(retried)).toBeGreaterThanOrEqual(4);
  });
});
