import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/processes';

/**
 * The Dockerfile, checked without Docker (CI has no engine): what a user would hit on `docker compose up --build` or
 * in production — a fat or root image, a secret baked in, a healthcheck the slim image cannot run, a COPY of a file
 * that does not exist or is left out of the build context.
 */
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

describe('Dockerfile', () => {
  /** Instructions with continuation lines joined and comments dropped, grouped by stage. */
  const instructions = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
  const args = Object.fromEntries(
    instructions
      .filter((i) => i.keyword === 'ARG' && i.args.includes('='))
      .map((i) => i.args.split('=') as [string, string]),
  );
  const stages: { from: string; name?: string; body: typeof instructions }[] = [];
  for (const i of instructions) {
    if (i.keyword === 'FROM') {
      const [image, , name] = i.args.split(/\s+/);
      stages.push({ from: image!.replace(/\$\{(\w+)\}/g, (_, v: string) => args[v] ?? ''), name, body: [] });
    } else stages.at(-1)?.body.push(i);
  }
  const runtime = stages.at(-1)!;
  const body = (keyword: string) => runtime.body.filter((i) => i.keyword === keyword).map((i) => i.args);

  it('builds in stages and runs from a slim glibc Node 24 image (the current LTS line) with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(runtime.from).toBe('node:24-bookworm-slim');
    const stageRunning = (pattern: RegExp) =>
      stages.find((s) => s.body.some((i) => i.keyword === 'RUN' && pattern.test(i.args)));
    const build = stageRunning(/^npm run build$/);
    const deps = stageRunning(/\bnpm ci --omit=dev\b/);
    expect(build?.name).toBeDefined();
    expect(build!.body.some((i) => i.keyword === 'RUN' && i.args === 'npm ci')).toBe(true);
    expect(deps?.name).toBeDefined();
    expect(body('COPY')).toEqual(
      expect.arrayContaining([
        `--from=${deps!.name} /app/node_modules ./node_modules`,
        `--from=${build!.name} /app/dist ./dist`,
      ]),
    );
    expect(runtime.body.some((i) => i.keyword === 'RUN' && /npm (ci|install)/.test(i.args))).toBe(false);
  });

  it('runs as a non-root user, by number, in production mode, with tini as PID 1 and no secret', () => {
    const user = body('USER').at(-1);
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    expect(body('ENV').join(' ')).toMatch(/\bNODE_ENV=production\b/);
    expect(body('ENTRYPOINT')).toEqual(['["/usr/bin/tini", "--"]']);
    for (const i of instructions.filter((x) => x.keyword === 'ENV' || x.keyword === 'ARG')) {
      expect(i.args).not.toMatch(/PASSWORD|SECRET|TOKEN|API_KEY/i);
    }
  });

  it('checks health with node itself (the slim image has no curl or wget)', () => {
    const healthcheck = body('HEALTHCHECK').join(' ');
    expect(healthcheck).toMatch(/CMD \["node", "-e", .*\/healthz/);
    expect(healthcheck).not.toMatch(/curl|wget/);
  });

  it('copies only what exists and is not left out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'));
    for (const entry of ['.git', 'node_modules', '.data', 'dist', '**/.env', 'deploy'])
      expect(ignored).toContain(entry);
    const sources = instructions
      .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    for (const source of sources) {
      expect([source, existsSync(join(repoRoot, source)), ignored.includes(source)]).toEqual([source, true, false]);
    }
  });
});
