import { readFileSync } from 'node:fs';
import { Temporal } from '@js-temporal/polyfill';
import type { Command } from 'commander';
import type { CliConfig } from '../config/cli';
import { readVendorConfigFile } from '../config/vendor-config-file';
import { formatPath } from '../domain/problems';
import { type SlaCalendar, slaCalendarSchema } from '../domain/sla-calendar';
import { AppError } from '../errors';
import { businessTimeBetween, explainDeadline, type Pause, targetMs } from '../sla/deadline';

const HOUR = 3_600_000;

function parseInstant(value: string, what: string): number {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(ms)) {
    throw new AppError(
      'invalid_config',
      `${what} must be an ISO 8601 date-time with a zone, e.g. 2026-11-02T15:00:00Z (got "${value}")`,
    );
  }
  return ms;
}

function loadCalendar(file: string | undefined, vendorConfigPath: string): { calendar: SlaCalendar; source: string } {
  if (!file) {
    const vendor = readVendorConfigFile(vendorConfigPath);
    return { calendar: vendor.config.sla.calendar, source: `${vendor.path} (sla.calendar)` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AppError('invalid_config', `Cannot read the calendar ${file}: ${(err as Error).message}`);
  }
  const parsed = slaCalendarSchema().safeParse(raw);
  if (!parsed.success) {
    throw new AppError(
      'invalid_config',
      `The calendar ${file} is invalid:`,
      parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`),
    );
  }
  return { calendar: parsed.data, source: file };
}

const inZone = (ms: number, zone: string) => Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone);
const human = (ms: number, zone: string) => {
  const z = inZone(ms, zone);
  return `${z.toLocaleString('en-US', { weekday: 'short' })} ${z.toPlainDate().toString()} ${z.toPlainTime().toString({ smallestUnit: 'minute' })} ${zone}`;
};

/** `plctl sla …`: SLA arithmetic on the business calendar, without a Temporal server. */
export function addSlaCommands(program: Command, config: CliConfig): void {
  const sla = program.command('sla').description('SLA arithmetic on the business calendar (no server needed)');
  sla
    .command('deadline')
    .description('When a ticket submitted at an instant is due, counting business hours only')
    .requiredOption('--submitted <ISO>', "the ticket's submission time, e.g. 2026-11-02T15:00:00Z")
    .option('--calendar <file>', 'SLA calendar JSON (default: sla.calendar of VENDOR_CONFIG)')
    .option(
      '--pause <ISO/ISO>',
      'a pause of the clock (repeatable), start/end',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--json', 'print JSON')
    .action((opts: { submitted: string; calendar?: string; pause: string[]; json?: boolean }) => {
      const submitted = parseInstant(opts.submitted, '--submitted');
      const { calendar, source } = loadCalendar(opts.calendar, config.vendorConfigPath);
      const pauses: Pause[] = opts.pause.map((p) => {
        const [from, to, extra] = p.split('/');
        if (!from || !to || extra !== undefined)
          throw new AppError('invalid_config', `--pause must be <ISO>/<ISO> (got "${p}")`);
        const range = [parseInstant(from, '--pause start'), parseInstant(to, '--pause end')] as const;
        if (range[1] <= range[0]) throw new AppError('invalid_config', `--pause ends before it starts ("${p}")`);
        return range;
      });
      const { deadline, windows } = explainDeadline(calendar, submitted, pauses);
      if (deadline === undefined) throw new Error('no deadline: the clock never runs');
      const zone = calendar.timeZone;
      const paused = pauses.reduce((sum, p) => sum + businessTimeBetween(calendar, p[0], p[1]!), 0);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify(
            {
              deadline: new Date(deadline).toISOString(),
              deadlineLocal: inZone(deadline, zone).toString(),
              timeZone: zone,
              submitted: new Date(submitted).toISOString(),
              businessHours: targetMs(calendar) / HOUR,
              pausedBusinessHours: paused / HOUR,
              calendar: source,
              windows: windows.map((w) => ({ date: w.date, from: w.from, to: w.to, countedHours: w.countedMs / HOUR })),
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      const lines = [
        `Submitted  ${human(submitted, zone)}  (${new Date(submitted).toISOString()})`,
        `Deadline   ${human(deadline, zone)}  (${new Date(deadline).toISOString()})`,
        `Target     ${targetMs(calendar) / HOUR} business hours${paused ? `, plus ${paused / HOUR} h paused` : ''}; calendar ${source}`,
        'Counted:',
        ...windows.map((w) => `  ${w.date} ${w.weekday}  ${w.from}-${w.to}  ${(w.countedMs / HOUR).toFixed(2)} h`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
