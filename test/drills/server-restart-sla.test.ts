import { defineServerRestartSlaDrill } from './server-restart-sla.drill';

/** The SLA timer drill on the embedded dev server, restarted whole (the drill itself: server-restart-sla.drill.ts). */
defineServerRestartSlaDrill();
