/** Reading the repository's Markdown for the docs tests: sections, table rows, links and GitHub's heading anchors. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/processes';

/** A Markdown file of the repository, by its path from the root. */
export function readDoc(path: string): string {
  return readFileSync(join(repoRoot, path), 'utf8');
}

/** The text of the section under `heading` (a whole heading line, e.g. `## Layout`), up to the next heading of its level or above. */
export function section(markdown: string, heading: string): string {
  const level = /^#+/.exec(heading)![0].length;
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start === -1) throw new Error(`no heading "${heading}"`);
  const rest = lines.slice(start + 1);
  let inCode = false;
  const end = rest.findIndex((line) => {
    if (line.startsWith('```')) inCode = !inCode;
    const m = /^(#+) /.exec(line);
    return !inCode && m !== null && m[1]!.length <= level;
  });
  return (end === -1 ? rest : rest.slice(0, end)).join('\n');
}

/** The body rows of every table in `markdown`, each as its cells (trimmed; `\|` inside a cell kept as `|`). */
export function tableRows(markdown: string): string[][] {
  const rows: string[][] = [];
  let header = true;
  for (const raw of markdown.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('|')) {
      header = true;
      continue;
    }
    if (/^\|[\s|:-]+\|$/.test(line)) {
      header = false;
      continue;
    }
    if (header) continue;
    const cells = line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
    rows.push(cells);
  }
  return rows;
}

/** The contents of every backticked span in `text`. */
export function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** The anchors GitHub gives the headings of `markdown` (lower case, punctuation dropped, spaces to dashes, repeats numbered). */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inCode = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    const m = /^#{1,6} (.*)$/.exec(line);
    if (inCode || !m) continue;
    const slug = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** The targets of the inline links of `markdown`, outside code blocks and code spans. */
export function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
}
