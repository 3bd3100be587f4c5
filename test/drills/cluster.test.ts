import { startNativeDrillServer } from '../helpers/native-drill-server';
import { defineServerRestartSlaDrill } from './server-restart-sla.drill';
import { defineWorkerSigkillDrill } from './worker-sigkill.drill';

/**
 * The drills on the native cluster (`npm run cluster -- --split`: PostgreSQL, four service processes; issue 22): its
 * history service restarted while SLA timers fall due, and a worker killed with 100 requests in flight. Each drill has
 * a cluster of its own, one after the other, on ports beside native-cluster.test.ts's (offset 20000).
 */
describe('on the native cluster', () => {
  describe('history service restart', () => {
    defineServerRestartSlaDrill({
      what: 'history service of a cluster on PostgreSQL',
      startServer: () => startNativeDrillServer({ portOffset: 22_000, restart: 'history' }),
    });
  });
  describe('worker SIGKILL', () => {
    defineWorkerSigkillDrill({
      on: 'a cluster on PostgreSQL',
      startServer: () => startNativeDrillServer({ portOffset: 24_000 }),
    });
  });
});
