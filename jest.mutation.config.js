/**
 * The tests Stryker runs against each mutant of the pure core (`npm run test:mutation`, stryker.config.mjs): those that
 * exercise it without a Temporal server, so a mutant is judged in seconds. The whole suite (`npm test`) still runs
 * every test against the real code.
 */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: base.testEnvironment,
  transform: base.transform,
  setupFiles: base.setupFiles,
  // src (and scripts) too: Stryker's findRelatedTests follows imports only through files jest knows, and most of the
  // core is imported by other core files (a leg of a machine, by the machine), not by a test.
  roots: ['<rootDir>/test', '<rootDir>/src', '<rootDir>/scripts'],
  testMatch: [
    '<rootDir>/test/domain/intake.test.ts',
    '<rootDir>/test/domain/vendor-config.test.ts',
    '<rootDir>/test/domain/events.test.ts',
    '<rootDir>/test/domain/change-event.test.ts',
    '<rootDir>/test/domain/limits.test.ts',
    '<rootDir>/test/domain/formats.test.ts',
    '<rootDir>/test/domain/cloud-modules.test.ts',
    '<rootDir>/test/domain/ticket.test.ts',
    '<rootDir>/test/domain/ticket-words.test.ts',
    '<rootDir>/test/domain/sla-calendar.test.ts',
    '<rootDir>/test/domain/connectivity-check.test.ts',
    '<rootDir>/test/machines/model.test.ts',
    '<rootDir>/test/machines/host.test.ts',
    '<rootDir>/test/machines/fidelity.test.ts',
    '<rootDir>/test/machines/mermaid.test.ts',
    '<rootDir>/test/machines/sla-effects.test.ts',
    '<rootDir>/test/machines/guidance.test.ts',
    '<rootDir>/test/machines/comments-doc.test.ts',
    '<rootDir>/test/machines/context.test.ts',
    '<rootDir>/test/machines/event-data.test.ts',
    '<rootDir>/test/machines/lifecycle.test.ts',
    '<rootDir>/test/machines/change-model.test.ts',
    '<rootDir>/test/machines/change-fidelity.test.ts',
    '<rootDir>/test/machines/request-host.test.ts',
    '<rootDir>/test/machines/assignment.test.ts',
    '<rootDir>/test/machines/change-edges.test.ts',
    '<rootDir>/test/machines/connection-limits.test.ts',
    '<rootDir>/test/machines/cloud-comments.test.ts',
    '<rootDir>/test/sla/*.test.ts',
    '<rootDir>/test/audit/chain.test.ts',
    '<rootDir>/test/api/auth.test.ts',
    '<rootDir>/test/api/oidc.test.ts',
    '<rootDir>/test/webhooks/*.test.ts',
  ],
  testTimeout: 30_000,
};
