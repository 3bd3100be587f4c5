import { Command } from 'commander';
import { type CliConfig, cliConfigFromEnv } from '../config/cli';
import { resolveTemporalCli, resolveTestServer } from '../temporal/binaries';
import { AppError } from '../errors';
import { productVersion } from '../version';
import { addChangeCommands } from './changes';
import { addHistoryCommands } from './history';
import { addRequestCommands } from './requests';
import { addSlaCommands } from './sla';
import { addTokenCommands } from './tokens';

/** Builds the `plctl` command tree with its settings (from the environment); exported so tests can run it in-process. */
export function buildCli(config: CliConfig = cliConfigFromEnv(process.env)): Command {
  const program = new Command('plctl')
    .description('Operate the PrivateLink enablement engine')
    .version(productVersion())
    .showHelpAfterError();

  program
    .command('binaries')
    .description(
      'Find the Temporal CLI (dev server) and time-skipping test server, fetching or building them if needed; prints where they are',
    )
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const cli = await resolveTemporalCli({ log });
      const testServer = await resolveTestServer({ log });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ temporalCli: cli, testServer }, null, 2)}\n`);
      } else {
        process.stdout.write(`Temporal CLI   ${cli.path}  (from ${cli.source})\n`);
        process.stdout.write(`Test server    ${testServer.path}  (from ${testServer.source})\n`);
      }
    });

  addRequestCommands(program, config);
  addChangeCommands(program, config);
  addHistoryCommands(program, config);
  addSlaCommands(program, config);
  addTokenCommands(program);
  return program;
}

if (require.main === module) {
  buildCli()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      reportError(err, process.argv.includes('--json'));
      process.exit(1);
    });
}

/**
 * Prints an error for people, or as JSON (`{ "error": { code, message, problems } }`, and the API's `openChange` when a
 * change was refused because another is open) when `--json` was given.
 */
export function reportError(err: unknown, json: boolean): void {
  const message = err instanceof Error ? err.message : String(err);
  if (json) {
    const body =
      err instanceof AppError
        ? {
            code: err.code,
            message: err.message.split('\n')[0],
            problems: err.problems,
            ...(err.extensions.openChange ? { openChange: err.extensions.openChange } : {}),
          }
        : { code: 'error', message };
    process.stderr.write(`${JSON.stringify({ error: body })}\n`);
  } else {
    process.stderr.write(`${message}\n`);
  }
}
