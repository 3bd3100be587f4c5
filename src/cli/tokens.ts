import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { hashToken } from '../api/auth';
import { reservedActorProblem } from '../domain/actors';
import { type Role, roles } from '../domain/roles';
import { addToTokensFile } from '../config/tokens-file';
import { AppError } from '../errors';

/** `plctl token new`: a fresh API token and the line for AUTH_TOKENS_FILE (only the hash is ever stored). */
export function addTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens for AUTH_TOKENS_FILE');
  token
    .command('new')
    .description('Make a random token; prints it once, with the entry to add to the tokens file')
    .requiredOption('--subject <who>', 'who holds it; recorded as the actor, e.g. alice@vendor.example')
    .requiredOption('--role <role>', roles.join(' | '))
    .option(
      '--write <file>',
      'add the entry to this tokens file (created owner-only when missing); stdout then has only the token',
    )
    .option('--json', 'print { token, entry } as JSON')
    .action((opts: { subject: string; role: string; write?: string; json?: boolean }) => {
      if (!roles.includes(opts.role as Role)) {
        throw new AppError('bad_request', `--role must be one of ${roles.join(', ')} (got "${opts.role}").`);
      }
      const reserved = reservedActorProblem(opts.subject);
      if (reserved) throw new AppError('bad_request', `--subject ${reserved}.`);
      const value = `plt_${randomBytes(24).toString('base64url')}`;
      const entry = { subject: opts.subject, role: opts.role as Role, tokenSha256: hashToken(value) };
      if (opts.write) {
        const count = addToTokensFile(opts.write, entry);
        process.stderr.write(
          `Added ${opts.subject} (${opts.role}) to ${opts.write} (${count} ${count === 1 ? 'entry' : 'entries'}); start the API with AUTH_TOKENS_FILE=${resolve(opts.write)}. The token, shown once, is on stdout.\n`,
        );
      }
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ token: value, entry }, null, 2)}\n`);
        return;
      }
      if (opts.write) {
        process.stdout.write(`${value}\n`);
        return;
      }
      process.stdout.write(
        `Token (shown once; give it to ${opts.subject} as PLCTL_TOKEN):\n  ${value}\n\nAdd to the AUTH_TOKENS_FILE array:\n  ${JSON.stringify(entry)}\n`,
      );
    });
}
