import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { repoRoot } from '../helpers/processes';
import { headingAnchors, linkTargets, readDoc, section } from './markdown';

/** Every Markdown page a reader may land on: the README, the docs and the benchmarks page. */
const pages = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  'bench/README.md',
];

/** Files git tracks, and new files it does not ignore: the repository as a fresh clone will have it. */
function repositoryFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f !== '' && existsSync(join(repoRoot, f)));
}

/** The README is the front door: short, self-contained, and its map of the repository is complete. */
describe('README', () => {
  const readme = readDoc('README.md');

  it('stays a front door: at most 12 KiB, everything else in docs/', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(12 * 1024);
    for (const heading of [
      '## Two commands',
      '## First request in five minutes',
      '## Signing a ticket webhook',
      '## Public names',
      '### Migration notes',
      '## Layout',
      '## Docs',
    ]) {
      expect(readme.split('\n')).toContain(heading);
    }
  });

  it('points at nothing outside the repository', () => {
    expect(readme).not.toMatch(/SPEC\.md|\.\.\/shared/);
    for (const target of linkTargets(readme)) expect(target.startsWith('../')).toBe(false);
  });

  it('links to every page in docs/', () => {
    const linked = new Set(linkTargets(readme).map((t) => t.split('#')[0]));
    expect(pages.filter((p) => p !== 'README.md' && !linked.has(p))).toEqual([]);
  });

  it('lists every top-level folder and every src/ folder in its layout, and none that does not exist', () => {
    const layout = /```\n([\s\S]*?)```/.exec(section(readme, '## Layout'))?.[1] ?? '';
    const files = repositoryFiles();
    const topLevel = [...new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]!))];
    const srcFolders = [...new Set(files.filter((f) => /^src\/[^/]+\//.test(f)).map((f) => f.split('/')[1]!))];
    expect(topLevel).toEqual(expect.arrayContaining(['src', 'workflows', 'activities', 'test', 'docs']));
    expect(srcFolders.length).toBeGreaterThan(5);

    const listedTop = layout.split('\n').flatMap((l) => /^([.\w-]+)\/(\s|$)/.exec(l)?.[1] ?? []);
    const listedSrc = layout.split('\n').flatMap((l) => /^ {2}([\w-]+)\/(\s|$)/.exec(l)?.[1] ?? []);
    expect(topLevel.filter((f) => !listedTop.includes(f))).toEqual([]);
    expect(srcFolders.filter((f) => !listedSrc.includes(f))).toEqual([]);
    const isDir = (p: string) => existsSync(join(repoRoot, p)) && statSync(join(repoRoot, p)).isDirectory();
    expect(listedTop.filter((f) => !isDir(f))).toEqual([]);
    expect(listedSrc.filter((f) => !isDir(`src/${f}`))).toEqual([]);
  });
});

describe('links in the README, docs/ and bench/README.md', () => {
  it.each(pages)(
    '%s: every relative link leads to a file of the repository, and every #anchor to a heading',
    (page) => {
      const broken: string[] = [];
      for (const target of linkTargets(readDoc(page))) {
        if (/^[a-z]+:/.test(target)) continue;
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? join(repoRoot, page) : resolve(dirname(join(repoRoot, page)), path);
        const inside = !relative(repoRoot, file).startsWith('..');
        if (!inside || !existsSync(file)) {
          broken.push(`${target}: no such file in the repository`);
          continue;
        }
        if (anchor !== undefined && !headingAnchors(readDoc(relative(repoRoot, file))).has(anchor)) {
          broken.push(`${target}: no heading with that anchor`);
        }
      }
      expect(broken).toEqual([]);
    },
  );
});
