import { defineWorkerSigkillDrill } from './worker-sigkill.drill';

/** The worker SIGKILL drill on the embedded dev server (the drill itself: worker-sigkill.drill.ts). */
defineWorkerSigkillDrill();
