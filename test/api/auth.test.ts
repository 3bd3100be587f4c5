import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allows, hashToken, roles, TokenStore } from '../../src/api/auth';
import { AppError } from '../../src/errors';

const tokens = [
  { subject: 'alice@vendor.example', role: 'support', tokenSha256: hashToken('alice-secret-token') },
  { subject: 'zendesk', role: 'automation', tokenSha256: hashToken('zendesk-secret-token') },
  { subject: 'audit@vendor.example', role: 'auditor', tokenSha256: hashToken('auditor-secret-token').toUpperCase() },
];

describe('bearer tokens from AUTH_TOKENS_FILE', () => {
  const store = TokenStore.parse(tokens);

  it('authenticates each holder by the SHA-256 of their token, as their subject and role', () => {
    expect(store.authenticate('Bearer alice-secret-token')).toEqual({
      subject: 'alice@vendor.example',
      role: 'support',
    });
    expect(store.authenticate('Bearer zendesk-secret-token')).toEqual({ subject: 'zendesk', role: 'automation' });
    expect(store.authenticate('Bearer auditor-secret-token')).toEqual({
      subject: 'audit@vendor.example',
      role: 'auditor',
    });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['a bare token', 'alice-secret-token'],
    ['an unknown token', 'Bearer mallory-token'],
    ['a token one character off', 'Bearer alice-secret-tokeN'],
    ['the stored hash itself', `Bearer ${hashToken('alice-secret-token')}`],
    ['a token with spaces', 'Bearer alice secret token'],
  ])('refuses %s', (_name, header) => {
    expect(store.authenticate(header)).toBeUndefined();
  });

  it('lets each role do what docs/api.md gives it, and no more', () => {
    const table = Object.fromEntries(
      roles.map((role) => [
        role,
        (['read', 'start', 'event', 'ticket_event', 'metrics'] as const).filter((a) => allows(role, a)),
      ]),
    );
    expect(table).toEqual({
      support: ['read', 'start', 'event', 'ticket_event'],
      automation: ['read', 'start', 'ticket_event'],
      auditor: ['read'],
      admin: ['read', 'start', 'event', 'ticket_event', 'metrics'],
      // A Prometheus scraper's token: it can read the metrics and nothing about any request.
      monitor: ['metrics'],
    });
  });

  it('refuses a bad tokens file, listing every problem, and never echoes a token', () => {
    const attempt = () =>
      TokenStore.parse([
        { subject: '', role: 'root', tokenSha256: 'plain-text-token' },
        { subject: 'bob', role: 'support', tokenSha256: hashToken('x'), password: 'hunter2' },
        { subject: 'carol', role: 'support', tokenSha256: hashToken('x') },
      ]);
    expect(attempt).toThrow(AppError);
    const message = (() => {
      try {
        attempt();
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toContain('[0].subject: must name who holds the token');
    expect(message).toContain('[0].role: must be one of support, automation, auditor, admin');
    expect(message).toContain(
      '[0].tokenSha256: must be the SHA-256 of the token as 64 hex digits (never the token itself)',
    );
    expect(message).toContain('[1]: unknown field(s) password');
    expect(message).toContain('[2].tokenSha256: is the same token as entry 1');
    expect(message).not.toContain('plain-text-token');
    expect(message).not.toContain('hunter2');
  });

  it('loads from a file and names it when it cannot', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokens-'));
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify(tokens));
    expect(TokenStore.load(join(dir, 'tokens.json')).size).toBe(3);
    expect(() => TokenStore.load(join(dir, 'missing.json'))).toThrow(
      /Cannot read the tokens file .*missing\.json \(AUTH_TOKENS_FILE\): ENOENT/,
    );
    writeFileSync(join(dir, 'broken.json'), '[{');
    expect(() => TokenStore.load(join(dir, 'broken.json'))).toThrow(
      /broken\.json \(AUTH_TOKENS_FILE\) is not valid JSON/,
    );
  });
});
