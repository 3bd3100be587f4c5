/**
 * Signed exports: the API signs the head of each export with an Ed25519 key (`AUDIT_SIGNING_KEY_FILE`), and
 * `plctl history --verify <file> --public-key <pem>` checks it offline. Pure (node:crypto only).
 *
 * The signature covers, as UTF-8 text, one line each: `privatelink-audit-export/v1`, then `ticketId=`, `workflowId=`,
 * `algorithm=`, `entries=` (the number of entries), `head=` and `exportedAt=` with their values. The head is the
 * chain's last hash, so it covers every entry; the verifier recomputes the chain from the entries, never trusting
 * the head the export declares.
 */
import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import {
  type ExportSignature,
  exportHeader,
  type Timeline,
  type TimelineExport,
  type Verification,
  verifyExport,
} from './chain';

/** What the signature covers. */
export interface SignedFields {
  ticketId: string;
  workflowId: string;
  algorithm: string;
  entries: number;
  head: string;
  exportedAt: string;
}

/** A key the API signs exports with: the private key, its public half, and the public key's id. */
export interface AuditSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
}

/** The text the signature is over. */
export function signedMessage(f: SignedFields): string {
  return [
    'privatelink-audit-export/v1',
    `ticketId=${f.ticketId}`,
    `workflowId=${f.workflowId}`,
    `algorithm=${f.algorithm}`,
    `entries=${f.entries}`,
    `head=${f.head}`,
    `exportedAt=${f.exportedAt}`,
  ].join('\n');
}

/** A public key's id: `sha256:` and the hex SHA-256 of its SubjectPublicKeyInfo (DER). */
export function keyIdOf(publicKey: KeyObject): string {
  return `sha256:${createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')}`;
}

/** The signing key of an Ed25519 private key; throws when it is not one. */
export function signingKeyOf(privateKey: KeyObject): AuditSigningKey {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`is a ${privateKey.asymmetricKeyType ?? privateKey.type} key, not an Ed25519 private key`);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

/** A new Ed25519 key pair, as `plctl audit-key new` makes it: the private key PEM (PKCS#8) and the public key PEM. */
export function newSigningKeyPair(): { privateKeyPem: string; publicKeyPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** A public key from PEM (SPKI) text; throws with what is wrong when it is not an Ed25519 public key. */
export function readPublicKeyPem(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (err) {
    throw new Error(`is not a PEM public key (${(err as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`is a ${key.asymmetricKeyType ?? '?'} key, not Ed25519`);
  return key;
}

/** The export of a timeline at a time: signed when the server has a key, marked unsigned (`signature: null`) if not. */
export function exportTimeline(timeline: Timeline, key: AuditSigningKey | undefined, now: Date): TimelineExport {
  const exportedAt = now.toISOString();
  const fields: SignedFields = {
    ticketId: timeline.ticketId,
    workflowId: timeline.workflowId,
    algorithm: timeline.algorithm,
    entries: timeline.entries.length,
    head: timeline.head,
    exportedAt,
  };
  const signature: ExportSignature | null = key
    ? {
        algorithm: 'Ed25519',
        keyId: key.keyId,
        value: sign(null, Buffer.from(signedMessage(fields), 'utf8'), key.privateKey).toString('base64'),
      }
    : null;
  const { ticketId, workflowId, algorithm, head, entries, pending, archived } = timeline;
  return { ticketId, workflowId, algorithm, exportedAt, head, signature, entries, pending, archived };
}

/**
 * What a CSV export's signature file holds (`<file>.sig`; the API sends it base64 in the `Audit-Signature` header):
 * the signed fields and the signature, since a CSV has no room for them.
 */
export type SignatureFile = SignedFields & { signature: ExportSignature | null };

/** The signature file of an export. */
export function signatureFileOf(exported: TimelineExport): SignatureFile {
  const { ticketId, workflowId, algorithm, head, exportedAt, signature } = exported;
  return { ticketId, workflowId, algorithm, entries: exported.entries.length, head, exportedAt, signature };
}

/** What an export, or its signature file, says about itself. */
type Declared = { [K in keyof SignatureFile]?: unknown };

/** The outcome of checking an export's signature. */
export type SignatureCheck =
  | { status: 'verified'; keyId: string; exportedAt: string }
  | { status: 'not checked'; keyId: string; exportedAt: string }
  | { status: 'unsigned' }
  | { status: 'failed'; problem: string };

function isSignature(value: unknown): value is ExportSignature {
  const s = value as Partial<ExportSignature> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    s.algorithm === 'Ed25519' &&
    typeof s.keyId === 'string' &&
    typeof s.value === 'string'
  );
}

/**
 * Checks a saved export (JSON, or CSV with its signature file): its chain as {@link verifyExport} does, then its
 * signature against the public key over the ticket, format, entry count and head computed from the entries
 * themselves, and the declared workflow id and export time. Without a public key a signature is reported, not
 * checked; with one, an unsigned export fails.
 */
export function verifySignedExport(
  text: string,
  opts: { signatureFile?: string; publicKey?: KeyObject } = {},
): { chain: Verification; signature: SignatureCheck } {
  const chain = verifyExport(text);
  const declared: Declared = { ...exportHeader(text) };
  if (opts.signatureFile !== undefined) {
    try {
      Object.assign(declared, JSON.parse(opts.signatureFile) as object);
    } catch (err) {
      return {
        chain,
        signature: { status: 'failed', problem: `the signature file is not JSON: ${(err as Error).message}` },
      };
    }
  }
  const signature = checkSignature(chain, declared, opts.publicKey);
  return { chain, signature };
}

function checkSignature(chain: Verification, declared: Declared, publicKey: KeyObject | undefined): SignatureCheck {
  const sig = declared.signature;
  if (sig === undefined || sig === null) {
    return publicKey
      ? { status: 'failed', problem: 'the export is not signed (its server had no AUDIT_SIGNING_KEY_FILE)' }
      : { status: 'unsigned' };
  }
  if (!isSignature(sig)) return { status: 'failed', problem: 'the signature is not an Ed25519 signature block' };
  const exportedAt = typeof declared.exportedAt === 'string' ? declared.exportedAt : '';
  if (!publicKey) return { status: 'not checked', keyId: sig.keyId, exportedAt };
  if (!chain.ok) return { status: 'failed', problem: 'the chain does not verify, so neither can its signature' };
  const keyId = keyIdOf(publicKey);
  if (sig.keyId !== keyId) {
    return { status: 'failed', problem: `signed with key ${sig.keyId}, not with the given key ${keyId}` };
  }
  // What the entries themselves say; a signature file must describe this very export.
  const fields: SignedFields = {
    ticketId: chain.ticketId ?? '',
    workflowId: typeof declared.workflowId === 'string' ? declared.workflowId : '',
    algorithm: chain.algorithm,
    entries: chain.entries,
    head: chain.head,
    exportedAt,
  };
  const mismatch = (['ticketId', 'algorithm', 'entries', 'head'] as const).filter(
    (k) => declared[k] !== undefined && declared[k] !== fields[k],
  );
  if (mismatch.length) {
    return {
      status: 'failed',
      problem: `the signature is for another export: its ${mismatch.join(', ')} differ(s) from this one's`,
    };
  }
  let ok = false;
  try {
    ok = verify(null, Buffer.from(signedMessage(fields), 'utf8'), publicKey, Buffer.from(sig.value, 'base64'));
  } catch {
    ok = false;
  }
  return ok
    ? { status: 'verified', keyId, exportedAt }
    : {
        status: 'failed',
        problem:
          'the signature does not match: the export (its entries, head, ticket, workflow or export time) was altered after signing',
      };
}
