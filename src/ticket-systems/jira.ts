/**
 * Jira issues as both sides of the product see them: issue keys are our ticket ids, and descriptions and comments
 * arrive (webhooks) and are read back (the adapter looking for its own comments) as Atlassian Document Format.
 */
import { isRecord } from '../domain/json';

/** A Jira issue key: project key, dash, number. */
export const jiraIssueKeyPattern = /^[A-Z][A-Z0-9_]{0,49}-[1-9]\d{0,15}$/;

/** A description or comment body, as text: ADF is flattened to lines, strings are taken as they are. */
export function richText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isRecord(value) && value.type === 'doc') return adfText(value, 0);
  return '';
}

const inlineTypes = new Set(['paragraph', 'heading', 'codeBlock']);
const listTypes = new Set(['bulletList', 'orderedList', 'taskList', 'decisionList']);

/**
 * ADF to text: paragraphs and other blocks become lines separated by a blank line, `hardBreak`s line breaks, list
 * items lines starting with "- ", so `Key: value` lines read the same as in a plain-text description.
 */
function adfText(node: Record<string, unknown>, depth: number): string {
  if (depth > 64) return '';
  const children = Array.isArray(node.content) ? node.content.filter(isRecord) : [];
  const attrs = isRecord(node.attrs) ? node.attrs : {};
  switch (node.type) {
    case 'text':
      return typeof node.text === 'string' ? node.text : '';
    case 'hardBreak':
      return '\n';
    case 'mention':
    case 'emoji':
    case 'status':
      return typeof attrs.text === 'string' ? attrs.text : '';
    case 'inlineCard':
      return typeof attrs.url === 'string' ? attrs.url : '';
  }
  if (typeof node.type === 'string' && inlineTypes.has(node.type)) {
    return children.map((child) => adfText(child, depth + 1)).join('');
  }
  if (typeof node.type === 'string' && listTypes.has(node.type)) {
    return children.map((item) => `- ${adfText(item, depth + 1).replace(/\n+/g, ' ')}`).join('\n');
  }
  if (node.type === 'tableRow') return children.map((cell) => adfText(cell, depth + 1).trim()).join(' | ');
  if (node.type === 'table' || node.type === 'listItem' || node.type === 'taskItem') {
    return children.map((child) => adfText(child, depth + 1)).join('\n');
  }
  return children
    .map((child) => adfText(child, depth + 1))
    .filter((t) => t !== '')
    .join('\n\n');
}
