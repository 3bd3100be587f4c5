/**
 * `plctl history` (the audit timeline: table, JSON or CSV export, and checking a saved export) and `plctl audit-key`
 * (the Ed25519 key pair the API signs exports with).
 */
import { createPrivateKey } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  compareWithLive,
  exportedHashes,
  type PendingEvent,
  type TimelineEntry,
  type TimelineExport,
} from '../audit/chain';
import { productProcessOf } from '../audit/identity';
import {
  keyIdOf,
  newSigningKeyPair,
  readPublicKeyPem,
  type SignatureCheck,
  type SignatureFile,
  signingKeyOf,
  verifySignedExport,
} from '../audit/signing';
import type { CliConfig } from '../config/cli';
import { AppError } from '../errors';
import { callApi, getJson } from './api-client';
import { printable, table } from './table';

/** Human output: anything a ticket or a caller wrote is printed without control characters (no terminal escapes). */
const out = (text: string): void => {
  const clean = printable(text);
  process.stdout.write(clean.endsWith('\n') ? clean : `${clean}\n`);
};
const printJson = (value: unknown) => out(JSON.stringify(value, null, 2));

/** The header the API sends a CSV export's signature file in (base64 of its JSON). */
const SIGNATURE_HEADER = 'audit-signature';

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError(
      'bad_request',
      `Cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}

/** Who wrote an entry into the history: `api` or `worker` for the product's own, else the identity in full. */
export function viaCell(entry: Pick<TimelineEntry, 'via' | 'authenticated'>): string {
  const process = productProcessOf(entry.via);
  if (entry.authenticated && process) return process;
  return `NOT AUTHENTICATED: ${entry.via || 'unknown'}`;
}

/** An entry's detail and the fields of its event that the detail does not already say. */
function detailCell(entry: TimelineEntry): string {
  const shown = entry.kind === 'event' ? ['comment', 'eventId'] : [];
  const fields = Object.entries(entry.payload ?? {})
    .filter(([k]) => !shown.includes(k))
    .map(([k, v]) => `${k}: ${v}`);
  return [entry.detail, ...fields].filter(Boolean).join('; ');
}

/** The signature of an export in one line. */
function signatureLine(exported: Pick<TimelineExport, 'signature' | 'exportedAt'>): string {
  return exported.signature
    ? `signed by key ${exported.signature.keyId}, exported ${exported.exportedAt}`
    : `UNSIGNED: the API has no AUDIT_SIGNING_KEY_FILE (exported ${exported.exportedAt})`;
}

/** A timeline for people: one row per entry, who wrote it into Temporal, and how far to trust it. */
export function formatTimeline(timeline: TimelineExport): string {
  const lines = [
    table(
      ['#', 'AT', 'WHAT', 'ACTOR', 'VIA', 'TYPE', 'RESULT', 'STATE', 'DETAIL'],
      timeline.entries.map((e) => [
        e.seq,
        e.at,
        e.kind,
        e.actor,
        viaCell(e),
        e.type,
        e.result,
        e.from !== e.to ? `${e.from} -> ${e.to}` : e.to,
        detailCell(e),
      ]),
    ),
    `head ${timeline.head}`,
    signatureLine(timeline),
  ];
  if (timeline.archived) {
    lines.push(
      "read from Temporal's archive: the request (or an earlier run of it) has passed the namespace retention and is gone from Temporal's primary store",
    );
  }
  const outside = timeline.entries.filter((e) => !e.authenticated).length;
  if (outside) {
    lines.push(
      `${outside} entr${outside === 1 ? 'y' : 'ies'} NOT AUTHENTICATED: written into Temporal by something other than the product's API and worker (the stock CLI, the UI, another client, a reset); the actor they name was not checked`,
    );
  }
  const pending: PendingEvent[] = timeline.pending ?? [];
  if (pending.length) {
    lines.push(`${pending.length} event(s) received and not handled yet (outside the chain):`);
    for (const p of pending) lines.push(`  ${p.at}  ${p.type}  by ${p.actor}  via ${viaCell(p)}`);
  }
  return lines.join('\n');
}

/** The verdict on a signature, in words; `ok` false fails the check. */
function describeSignature(check: SignatureCheck): { ok: boolean; line: string } {
  switch (check.status) {
    case 'verified':
      return {
        ok: true,
        line: `OK: signed by key ${check.keyId}, exported ${check.exportedAt}; unchanged since it was signed`,
      };
    case 'not checked':
      return {
        ok: true,
        line: `NOT CHECKED: signed by key ${check.keyId}, exported ${check.exportedAt}; give --public-key <pem> to check the signature`,
      };
    case 'unsigned':
      return { ok: true, line: 'UNSIGNED: the export carries no signature (its server had no AUDIT_SIGNING_KEY_FILE)' };
    case 'failed':
      return { ok: false, line: `FAILED: ${check.problem}` };
  }
}

/** Adds `plctl history` and `plctl audit-key`. */
export function addHistoryCommands(program: Command, config: CliConfig): void {
  const target = () => config.api;

  program
    .command('history')
    .description("A request's audit timeline; --verify checks a saved export's hash chain and signature")
    .argument('[ticketId]')
    .option('--csv', 'CSV instead of a table')
    .option('--json', 'the export as JSON (entries with their chained hashes, and the signature)')
    .option('-o, --output <file>', 'write the export to a file (a CSV export: its signature to <file>.sig)')
    .option('--verify <file>', 'check a saved export (JSON or CSV): every hash and link, and its signature')
    .option('--prefix', 'with a ticket and --verify: the export may lack entries recorded after it was saved')
    .option('--public-key <pem>', "with --verify: check the signature with the API's public key")
    .option('--signature <file>', 'with --verify of a CSV export: its signature file (default <file>.sig)')
    .action(
      async (
        ticketId: string | undefined,
        opts: {
          csv?: boolean;
          json?: boolean;
          output?: string;
          verify?: string;
          publicKey?: string;
          signature?: string;
          prefix?: boolean;
        },
      ) => {
        if (opts.verify) {
          await verifyCommand(ticketId, opts.verify, opts);
          return;
        }
        if (opts.publicKey || opts.signature)
          throw new AppError('bad_request', '--public-key and --signature go with --verify <file>.');
        if (!ticketId)
          throw new AppError('bad_request', 'Name a ticket (plctl history T-1001) or use --verify <file>.');
        const path = `/api/requests/${encodeURIComponent(ticketId)}/history`;
        if (opts.csv) {
          const { text, headers } = await callApi(target(), 'GET', `${path}?format=csv`);
          const signature = signatureFileFromHeader(headers.get(SIGNATURE_HEADER));
          if (opts.output) {
            writeFileSync(opts.output, text);
            if (signature?.signature) writeFileSync(`${opts.output}.sig`, `${JSON.stringify(signature, null, 2)}\n`);
            process.stderr.write(
              signature?.signature
                ? `Wrote ${signature.entries} entries to ${opts.output}, its signature to ${opts.output}.sig (key ${signature.signature.keyId}).\n`
                : `Wrote the export to ${opts.output}, UNSIGNED (the API has no AUDIT_SIGNING_KEY_FILE).\n`,
            );
            return;
          }
          // The export as it is when piped or redirected (its hashes cover every byte); on a terminal, without the
          // control characters a ticket could have written into it. Its signature needs a file: -o.
          process.stdout.write(process.stdout.isTTY ? printable(text) : text);
          if (signature?.signature) {
            process.stderr.write('The signature of a CSV export is written next to it with -o <file> (<file>.sig).\n');
          }
          return;
        }
        const timeline = await getJson<TimelineExport>(target(), 'GET', path);
        if (opts.output) writeFileSync(opts.output, `${JSON.stringify(timeline, null, 2)}\n`);
        if (opts.json) {
          if (!opts.output) printJson(timeline);
          return;
        }
        if (opts.output) {
          out(
            `Wrote ${timeline.entries.length} entries to ${opts.output} (head ${timeline.head}); ${signatureLine(timeline)}.`,
          );
          return;
        }
        out(formatTimeline(timeline));
      },
    );

  async function verifyCommand(
    ticketId: string | undefined,
    file: string,
    opts: { json?: boolean; publicKey?: string; signature?: string; prefix?: boolean },
  ): Promise<void> {
    const text = readText(file, 'the export');
    let publicKey;
    if (opts.publicKey) {
      try {
        publicKey = readPublicKeyPem(readText(opts.publicKey, 'the public key'));
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new AppError('bad_request', `The public key ${opts.publicKey} ${(err as Error).message}.`);
      }
    }
    const signatureFileName = opts.signature ?? (existsSync(`${file}.sig`) ? `${file}.sig` : undefined);
    const signatureFile = signatureFileName ? readText(signatureFileName, 'the signature file') : undefined;
    const { chain, signature } = verifySignedExport(text, { publicKey, signatureFile });
    const signed = describeSignature(signature);
    // With a ticket, the export is also compared with the live history (catches truncation and re-chaining).
    let live: ReturnType<typeof compareWithLive> | undefined;
    if (ticketId && chain.ok) {
      const fresh = await getJson<TimelineExport>(
        target(),
        'GET',
        `/api/requests/${encodeURIComponent(ticketId)}/history`,
      );
      live = compareWithLive(exportedHashes(text) ?? [], fresh.entries, { prefix: opts.prefix });
    }
    const ok = chain.ok && signed.ok && (live === undefined || live.ok);
    if (opts.json) printJson({ ...chain, signature, ...(live ? { live } : {}) });
    else if (chain.ok) {
      out(`OK: ${chain.entries} entries for ticket ${chain.ticketId ?? '?'}, chain intact, head ${chain.head}`);
      out(signed.line);
      if (live?.ok) {
        out(
          live.saved === live.live
            ? `OK: identical to the live history (${live.live} entries)`
            : `OK: identical to the first ${live.saved} of ${live.live} entries of the live history (--prefix)`,
        );
      }
      if (live && !live.ok) out(`FAILED: ${live.problem}`);
    } else {
      out(`FAILED: ${chain.problems.length} problem(s)\n${chain.problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    if (!ok) process.exitCode = 3;
  }

  const key = program
    .command('audit-key')
    .description('The Ed25519 key pair the API signs audit exports with (AUDIT_SIGNING_KEY_FILE)');
  key
    .command('new')
    .description('Make a key pair: the private key into <file> (mode 600), the public key PEM on stdout')
    .argument('<file>', 'where to write the private key (PEM); never overwritten')
    .option('--json', 'print { keyId, publicKey } as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      const pair = newSigningKeyPair();
      try {
        writeFileSync(file, pair.privateKeyPem, { mode: 0o600, flag: 'wx' });
      } catch (err) {
        throw new AppError(
          'bad_request',
          `Cannot write ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
        );
      }
      printKey({ keyId: pair.keyId, publicKey: pair.publicKeyPem }, opts.json);
    });
  key
    .command('public')
    .description("Print a private key's public key (PEM) for auditors, and its id")
    .argument('<file>', 'the private key (PEM), as AUDIT_SIGNING_KEY_FILE names it')
    .option('--json', 'print { keyId, publicKey } as JSON')
    .action((file: string, opts: { json?: boolean }) => {
      let signing;
      try {
        signing = signingKeyOf(createPrivateKey(readText(file, 'the private key')));
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new AppError('bad_request', `${file} is not an Ed25519 private key (PEM).`);
      }
      const publicKey = signing.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      printKey({ keyId: keyIdOf(signing.publicKey), publicKey }, opts.json);
    });
}

function printKey(key: { keyId: string; publicKey: string }, json: boolean | undefined): void {
  if (json) process.stdout.write(`${JSON.stringify(key, null, 2)}\n`);
  else {
    process.stdout.write(key.publicKey);
    process.stderr.write(`key id ${key.keyId}\n`);
  }
}

function signatureFileFromHeader(value: string | null): SignatureFile | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as SignatureFile;
  } catch {
    return undefined;
  }
}
