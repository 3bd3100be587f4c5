/**
 * The staff console in a real browser (Debian's Chromium driven by playwright-core) against `npm start` as a user runs
 * it: a support engineer signs in, claims a request and walks it to `enabled` only through the console, with the
 * keyboard; sees a step someone else recorded through the API arrive live; an auditor reads the history read-only.
 * Every page is scanned with axe (no serious or critical violation), and each is saved as a screenshot in
 * `.data/console-screenshots/` (CI keeps it as an artifact; `docs/screenshots/` holds the ones the docs show).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { validIntake } from '../fixtures/requests';
import { bearer, testCredentials } from '../helpers/api';
import { waitFor } from '../helpers/eventually';
import { freePort, repoRoot, type RunningProcess, runEntry, waitForProductStart } from '../helpers/processes';

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it when missing), or `CHROMIUM_PATH`. */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const shots = join(repoRoot, '.data', 'console-screenshots');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

jest.setTimeout(240_000);

/** The little of the DOM the browser-side functions below use (this file is compiled without the DOM's types). */
interface DomElement {
  textContent: string | null;
  classList: { contains(name: string): boolean };
}
interface Dom {
  document: {
    querySelector(selector: string): DomElement | null;
    getElementById(id: string): DomElement | null;
    activeElement: DomElement | null;
  };
}

describe('the staff console in a browser', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'console-e2e-'));
  const creds = testCredentials();
  const tokensFile = join(dataDir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify(creds.file));
  let running: RunningProcess | undefined;
  let browser: Browser | undefined;
  let base = '';

  beforeAll(async () => {
    if (!existsSync(chromiumPath)) {
      throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium (or set CHROMIUM_PATH).`);
    }
    mkdirSync(shots, { recursive: true });
    const [api, temporal, ui] = [await freePort(), await freePort(), await freePort()];
    base = `http://127.0.0.1:${api}`;
    running = runEntry('src/main.ts', {
      ...process.env,
      TEMPORAL_ADDRESS: '',
      DATA_DIR: dataDir,
      PORT: String(api),
      TEMPORAL_DEV_PORT: String(temporal),
      TEMPORAL_UI_PORT: String(ui),
      LOG_LEVEL: 'warn',
      AUTH_TOKENS_FILE: tokensFile,
    });
    const proc = running;
    await waitForProductStart(proc);
    expect(proc.output()).toContain(`Staff console   ${base}/console`);
    browser = await chromium.launch({ executablePath: chromiumPath });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (running?.child.exitCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  /** The API, as someone else (a ticket system, a colleague with plctl). */
  const api = (path: string, body: object, token = creds.tokens.admin) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  /** axe on the page as it is: no serious or critical violation. */
  async function expectAccessible(page: Page, name: string): Promise<void> {
    // Evaluated, not a script tag: the console's content security policy allows no inline script (rightly).
    await page.evaluate(axeSource);
    // Browser code as text: this file is compiled without the DOM's types.
    const result = await page.evaluate<{
      violations: { id: string; impact: string; help: string; nodes: unknown[] }[];
    }>('axe.run(document)');
    const serious = result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help}, ${v.nodes.length} element(s)`);
    expect({ page: name, serious }).toEqual({ page: name, serious: [] });
  }

  async function shoot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  }

  /** Presses a button or a link with the keyboard: focused, then Enter (no mouse anywhere in this test). */
  async function press(page: Page, selector: string): Promise<void> {
    await page.locator(selector).focus();
    await page.keyboard.press('Enter');
  }

  /** Signs in with a token typed into the form, and lands on the inbox. */
  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${base}/console`);
    await page.waitForURL(/\/console\/sign-in/);
    await page.locator('#token').focus();
    await page.keyboard.type(token);
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/console`);
  }

  const currentStep = (page: Page) => page.locator('[aria-current="step"]').innerText();
  const flash = (page: Page) => page.locator('.flash').innerText();

  it('a support engineer claims a request and walks it to enabled in the console; an auditor reads its history', async () => {
    const ticketId = `T-E2E-${Date.now().toString(36)}`;
    const started = await api('/api/requests', validIntake('aws', 'unidirectional', ticketId), creds.tokens.support);
    expect(started.status).toBe(201);

    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });

    await page.goto(`${base}/console/sign-in`);
    await expectAccessible(page, 'sign-in');
    await shoot(page, 'sign-in');
    await signIn(page, creds.tokens.support);

    // The inbox: what waits on the vendor, the new request among it (visibility catches up within a second or so).
    await waitFor(
      async () => {
        await page.reload();
        return (await page.locator(`a:text-is("${ticketId}")`).count()) === 1;
      },
      20_000,
      'the inbox to list the request',
    );
    expect(await page.locator('table.requests tbody tr').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'inbox');
    await shoot(page, 'inbox');

    await press(page, `a:text-is("${ticketId}")`);
    await page.waitForURL(`${base}/console/requests/${ticketId}`);
    expect(await currentStep(page)).toContain("Allowlist the customer's account");

    // Claim it.
    await press(page, 'button:text-is("Claim")');
    await page.waitForSelector('.flash.ok');
    expect(await flash(page)).toBe(`Assigned to ${creds.subjects.support}.`);
    expect(await page.locator('.assignment').innerText()).toContain(`Assignee: ${creds.subjects.support}`);
    await expectAccessible(page, 'request');
    await shoot(page, 'request');

    // Each step with its form; after each, focus is on the message saying what was recorded.
    const step = async (event: string, fields: Record<string, string> = {}) => {
      for (const [name, value] of Object.entries(fields)) {
        await page.locator(`form[data-event="${event}"] [name="${name}"]`).focus();
        await page.keyboard.type(value);
      }
      await press(page, `form[data-event="${event}"] button[type="submit"]`);
      await page.waitForFunction(
        (type) => (globalThis as unknown as Dom).document.querySelector('.flash')?.textContent?.includes(type),
        event,
      );
      // htmx settles the swapped page a moment later; then focus is on the message (it fails here if it never is).
      await page.waitForFunction(
        () => (globalThis as unknown as Dom).document.activeElement?.classList.contains('flash'),
        undefined,
        { timeout: 5_000 },
      );
    };
    await step('customer_access.granted');
    expect(await currentStep(page)).toContain('Customer creates the endpoint');
    await step('endpoint.requested', { endpointId: 'vpce-0a1b2c3d4e5f67890' });
    await step('connection.approved');
    await step('ports.opened');
    expect(await currentStep(page)).toContain('Customer tests the connection');

    // Someone else adds a note through the API: the open page reloads itself and says so, politely.
    expect(
      (await api(`/api/requests/${ticketId}/events`, { type: 'note.added', text: 'customer called' })).status,
    ).toBe(200);
    await page.waitForFunction(
      (said) => (globalThis as unknown as Dom).document.getElementById('live')?.textContent?.includes(said),
      `${creds.subjects.admin} recorded note.added`,
      { timeout: 20_000 },
    );
    // With something typed, the page does not reload under the person: it warns instead.
    await page.locator('form[data-event="connection.verified"] [name="comment"]').focus();
    await page.keyboard.type('customer confirmed by phone');
    expect((await api(`/api/requests/${ticketId}/events`, { type: 'note.added', text: 'second call' })).status).toBe(
      200,
    );
    await page.waitForSelector('#stale[role="alert"]', { timeout: 20_000 });
    expect(await page.locator('#stale').innerText()).toContain(`${creds.subjects.admin} recorded note.added`);
    expect(await page.locator('form[data-event="connection.verified"] [name="comment"]').inputValue()).toBe(
      'customer confirmed by phone',
    );
    await shoot(page, 'request-stale-warning');
    await press(page, 'form[data-event="connection.verified"] button[type="submit"]');
    await page.waitForSelector('.flash.ok');
    expect(await currentStep(page)).toContain('Enabled');
    expect(await page.locator('.summary .sla').innerText()).toContain('met');
    await shoot(page, 'request-enabled');

    await press(page, 'nav.tabs a:text-is("History")');
    await page.waitForSelector('.verify');
    expect(await page.locator('.verify').innerText()).toMatch(/Chain verified: \d+ entries/);
    await expectAccessible(page, 'history');
    await shoot(page, 'history');

    await press(page, 'a:text-is("Needs attention")');
    await page.waitForSelector('h1:text-is("Needs attention")');
    await expectAccessible(page, 'attention');
    await shoot(page, 'attention');
    expect(errors).toEqual([]);
    await context.close();

    // An auditor: the same pages, read-only.
    const auditorContext = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const auditor = await auditorContext.newPage();
    await signIn(auditor, creds.tokens.auditor);
    await auditor.goto(`${base}/console/requests/${ticketId}`);
    expect(await auditor.locator('form.event-form').count()).toBe(0);
    expect(await auditor.locator('.assignment button').count()).toBe(0);
    await auditor.goto(`${base}/console/requests/${ticketId}/history`);
    expect(await auditor.locator('.verify').innerText()).toMatch(/Chain verified/);
    const rows = await auditor.locator('table.timeline tbody tr').allInnerTexts();
    expect(rows.some((r) => r.includes('request.assigned') && r.includes(creds.subjects.support))).toBe(true);
    expect(rows.some((r) => r.includes('connection.verified') && r.includes(creds.subjects.support))).toBe(true);
    await expectAccessible(auditor, 'history (auditor)');
    await auditorContext.close();
  });
  it("counts an SLA badge down in the browser on the business calendar, across the warning and past the deadline (Playwright's clock)", async () => {
    const ticketId = `T-E2E-CLOCK-${Date.now().toString(36)}`;
    expect(
      (await api('/api/requests', validIntake('aws', 'unidirectional', ticketId), creds.tokens.support)).status,
    ).toBe(201);
    const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, creds.tokens.support);
    // The page's badge carries its deadline and the business windows around it.
    let clock: { due: number; windows: [number, number][] } | undefined;
    await waitFor(
      async () => {
        await page.goto(`${base}/console/requests/${ticketId}`);
        const due = await page.locator('.summary .sla').getAttribute('data-due');
        const windows = await page.locator('.summary .sla').getAttribute('data-windows');
        if (due && windows) clock = { due: Date.parse(due), windows: JSON.parse(windows) as [number, number][] };
        return clock !== undefined;
      },
      20_000,
      'the request page to show a running SLA badge',
    );
    const { due, windows } = clock!;
    const spans = windows.map(([s, e]) => [due + s * 60_000, due + e * 60_000] as const);
    /** The instant `hours` of business time before the deadline (negative: after it). */
    const businessBefore = (hours: number): number => {
      let left = Math.abs(hours) * 3_600_000;
      const ordered = hours >= 0 ? [...spans].reverse() : spans;
      for (const [start, end] of ordered) {
        const from = hours >= 0 ? Math.min(end, due) : Math.max(start, due);
        const to = hours >= 0 ? start : end;
        const length = Math.abs(from - to);
        if (hours >= 0 ? from <= start : from >= end) continue;
        if (length >= left) return hours >= 0 ? from - left : from + left;
        left -= length;
      }
      throw new Error(`the windows do not reach ${hours} business hours from the deadline`);
    };
    const badgeText = () => page.locator('.summary .sla .sla-text').innerText();
    const badgeTone = () => page.locator('.summary .sla').getAttribute('class');

    // The page loads a minute early with time flowing; then time stops, and each jump fires the badge's timer once
    // at exactly the instant wanted.
    const at12 = businessBefore(12);
    await page.clock.install({ time: new Date(at12 - 60_000) });
    await page.reload();
    await page.clock.pauseAt(new Date(at12 - 30_000));
    await page.clock.fastForward(30_000);
    await page.waitForFunction(
      () =>
        (globalThis as unknown as Dom).document.querySelector('.summary .sla .sla-text')?.textContent === '12h left',
    );
    expect(await badgeTone()).toBe('sla sla-ok');
    await page.clock.fastForward(businessBefore(9.5) - at12);
    await page.waitForFunction(
      () =>
        (globalThis as unknown as Dom).document.querySelector('.summary .sla .sla-text')?.textContent === '9h 30m left',
    );
    expect(await badgeTone()).toBe('sla sla-warning');
    await shoot(page, 'request-sla-warning');
    await page.clock.fastForward(businessBefore(-1.5) - businessBefore(9.5));
    await page.waitForFunction(
      () => (globalThis as unknown as Dom).document.querySelector('.summary .sla .sla-text')?.textContent === '-1h 30m',
    );
    expect(await badgeTone()).toBe('sla sla-breached');
    expect(await badgeText()).toBe('-1h 30m');
    await context.close();
  });
});
