import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiSecurity } from '../../src/api/security';
import { apiSettingsFromEnv } from '../../src/config/api';
import { AppError } from '../../src/errors';
import { testSigningKey } from './product-api';

/** `AUDIT_SIGNING_KEY_FILE`: the API's signing key, read and checked at start-up with every other setting. */
describe('AUDIT_SIGNING_KEY_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-key-'));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const problemsOf = (file: string): string => {
    try {
      apiSettingsFromEnv({ AUDIT_SIGNING_KEY_FILE: file });
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('invalid_config');
      return (err as AppError).message;
    }
    throw new Error('the settings were accepted');
  };

  it('reads an Ed25519 private key, and names its public key in the start-up banner', () => {
    const key = testSigningKey();
    const settings = apiSettingsFromEnv({ AUDIT_SIGNING_KEY_FILE: write('good.pem', key.privateKeyPem) });
    expect(settings.auditSigning).toMatchObject({ keyId: key.keyId });
    expect(apiSecurity(settings).summary).toContain(`audit exports signed with key ${key.keyId}`);
    expect(apiSecurity(apiSettingsFromEnv({})).summary).toContain(
      'audit exports unsigned (set AUDIT_SIGNING_KEY_FILE)',
    );
  });

  it('refuses a missing file, a file that is no key, a public key and a key of another type, quoting none of it', () => {
    const secretLooking = 'not a key but a secret: hunter2';
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expect(problemsOf(join(dir, 'missing.pem'))).toContain('cannot be read (ENOENT)');
    const garbage = problemsOf(write('garbage.pem', secretLooking));
    expect(garbage).toContain('is not a PEM private key (make one with `plctl audit-key new <file>`)');
    expect(garbage).not.toContain('hunter2');
    expect(problemsOf(write('public.pem', testSigningKey().publicKeyPem))).toContain('is not a PEM private key');
    expect(problemsOf(write('rsa.pem', rsa))).toContain('is a rsa key, not an Ed25519 private key');
  });

  it('is reported with the other API settings at once', () => {
    expect(() =>
      apiSettingsFromEnv({
        AUDIT_SIGNING_KEY_FILE: join(dir, 'missing.pem'),
        AUTH_TOKENS_FILE: join(dir, 'nope.json'),
      }),
    ).toThrow(/Invalid API security settings:[\s\S]*tokens file[\s\S]*AUDIT_SIGNING_KEY_FILE/i);
  });
});
