import { execFileSync } from 'node:child_process';
import { repoRoot } from './helpers/processes';

type Case = [file: string, code: string];

/**
 * Lints each case as if it were a file at that path, in a child Node process (the flat config is an ES module,
 * which jest's module sandbox cannot load), and returns the `no-restricted-imports` messages of each.
 */
function restrictedImports(cases: Case[]): string[][] {
  const script = `
    const { ESLint } = require('eslint');
    const tseslint = require('typescript-eslint');
    const cases = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    // The probe files do not exist, so lint them without the type-aware project service.
    const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: tseslint.configs.disableTypeChecked });
    (async () => {
      const out = [];
      for (const [file, code] of cases) {
        const [result] = await eslint.lintText(code, { filePath: require('node:path').join(process.cwd(), file) });
        const fatal = result.messages.filter((m) => m.fatal).map((m) => m.message);
        if (fatal.length) throw new Error(file + ': ' + fatal.join('; '));
        out.push(result.messages.filter((m) => (m.ruleId ?? '').endsWith('no-restricted-imports')).map((m) => m.message));
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((err) => { process.stderr.write(String(err.message)); process.exit(1); });`;
  const input = JSON.stringify(cases.map(([file, code]) => [file, `${code}\nexport const probe = 1;\n`]));
  return JSON.parse(
    execFileSync(process.execPath, ['-e', script], { cwd: repoRoot, input, encoding: 'utf8' }),
  ) as string[][];
}

/**
 * The architecture's one-way data flow is enforced by ESLint (STYLE.md): deterministic workflow code and the pure
 * folders must not reach Node, I/O-capable Temporal packages or the API/CLI. These cases keep the rules honest.
 */
describe('import boundaries', () => {
  const refused: Case[] = [
    ['workflows/probe.ts', "import { readFileSync } from 'node:fs';"],
    ['workflows/probe.ts', "import { randomUUID } from 'crypto';"],
    ['workflows/probe.ts', "import { Client } from '@temporalio/client';"],
    ['workflows/probe.ts', "import { Context } from '@temporalio/activity';"],
    ['workflows/probe.ts', "import { buildApiServer } from '../src/api/server';"],
    ['src/domain/probe.ts', "import { request } from 'node:https';"],
    ['src/sla/probe.ts', "import { Worker } from '@temporalio/worker';"],
    ['src/machines/probe.ts', "import { proxyActivities } from '@temporalio/workflow';"],
    ['src/machines/probe.ts', "import { join } from 'path';"],
    ['workflows/probe.ts', "import { createActivities } from '../activities';"],
    ['workflows/probe.ts', "import { ZendeskTicketSystem } from '../activities/zendesk';"],
    ['activities/probe.ts', "import { parseZendeskWebhook } from '../src/webhooks/zendesk';"],
    ['activities/probe.ts', "import { buildApiServer } from '../src/api/server';"],
    ['src/webhooks/probe.ts', "import { JiraTicketSystem } from '../../activities/jira';"],
    ['src/config/probe.ts', "import { webhookRoutes } from '../api/routes/webhooks';"],
    ['src/config/probe.ts', "import { activityDeps } from '../../activities/deps';"],
    ['src/ticket-systems/probe.ts', "import { request } from 'node:https';"],
  ];
  const allowed: Case[] = [
    ['workflows/probe.ts', "import { sleep } from '@temporalio/workflow';"],
    ['src/machines/probe.ts', "import { setup } from 'xstate';"],
    ['src/domain/probe.ts', "import { z } from 'zod';"],
    ['activities/probe.ts', "import { connect } from 'node:net';"],
    ['workflows/probe.ts', "import type { EnablementActivities } from '../activities';"],
    ['workflows/probe.ts', "import { type EnablementActivities } from '../activities';"],
    ['activities/probe.ts', "import { commentFooter } from '../src/ticket-systems/comment-ref';"],
    ['src/webhooks/probe.ts', "import { richText } from '../ticket-systems/jira';"],
    ['src/config/probe.ts', "import { findIntakeKey } from '../webhooks/description';"],
    ['src/config/probe.ts', "import { activitySettingsFromEnv } from './activities';"],
  ];
  let results: string[][];
  beforeAll(() => {
    results = restrictedImports([...refused, ...allowed]);
  });

  it.each(refused.map((c, i) => [...c, i] as const))('refuses in %s: %s', (_file, _code, i) => {
    expect(results[i]).toHaveLength(1);
  });

  it.each(allowed.map((c, i) => [...c, refused.length + i] as const))('allows in %s: %s', (_file, _code, i) => {
    expect(results[i]).toEqual([]);
  });
});
