/**
 * The key the API signs audit exports with (`AUDIT_SIGNING_KEY_FILE`): an Ed25519 private key, PEM (PKCS#8), as
 * `plctl audit-key new` writes it. Without the variable, exports are unsigned and say so (`"signature": null`).
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type AuditSigningKey, signingKeyOf } from '../audit/signing';
import { AppError } from '../errors';
import { type Env, setting } from './env';

/** The signing key and the file it came from. */
export type AuditSigningSettings = AuditSigningKey & { file: string };

/** Reads and checks the signing key named by `AUDIT_SIGNING_KEY_FILE`; undefined when it is not set. */
export function auditSigningKeyFromEnv(env: Env): AuditSigningSettings | undefined {
  const file = setting(env, 'AUDIT_SIGNING_KEY_FILE');
  if (file === undefined) return undefined;
  const fail = (problem: string): never => {
    throw new AppError('invalid_config', `AUDIT_SIGNING_KEY_FILE ${file} ${problem}`);
  };
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    // The reason names nothing of the file's content: it holds a secret.
    return fail('is not a PEM private key (make one with `plctl audit-key new <file>`)');
  }
  try {
    return { file, ...signingKeyOf(key) };
  } catch (err) {
    return fail(`${(err as Error).message} (make one with \`plctl audit-key new <file>\`)`);
  }
}
