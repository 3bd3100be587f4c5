import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { hashToken } from '../api/auth';
import { reservedActorProblem } from '../domain/actors';
import { type Role, roles } from '../domain/roles';
import { AppError } from '../errors';

/** `plctl token new`: a fresh API token and the line for AUTH_TOKENS_FILE (only the hash is ever stored). */
export function addTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens for AUTH_TOKENS_FILE');
  token
    .command('new')
    .description('Make a random token; prints it once, with the entry to add to the tokens file')
    .requiredOption('--subject <who>', 'who holds it; recorded as the actor, e.g. alice@vendor.example')
    .requiredOption('--role <role>', roles.join(' | '))
    .option('--json', 'print { token, entry } as JSON')
    .action((opts: { subject: string; role: string; json?: boolean }) => {
      if (!roles.includes(opts.role as Role)) {
        throw new AppError('bad_request', `--role must be one of ${roles.join(', ')} (got "${opts.role}").`);
      }
      const reserved = reservedActorProblem(opts.subject);
      if (reserved) throw new AppError('bad_request', `--subject ${reserved}.`);
      const value = `plt_${randomBytes(24).toString('base64url')}`;
      const entry = { subject: opts.subject, role: opts.role, tokenSha256: hashToken(value) };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ token: value, entry }, null, 2)}\n`);
        return;
      }
      process.stdout.write(
        `Token (shown once; give it to ${opts.subject} as PLCTL_TOKEN):\n  ${value}\n\nAdd to the AUTH_TOKENS_FILE array:\n  ${JSON.stringify(entry)}\n`,
      );
    });
}
