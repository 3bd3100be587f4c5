/**
 * PostgreSQL for the native cluster: Debian's own binaries (installed when missing and we may), one data folder of the
 * cluster's own, listening on 127.0.0.1 only, with the compose stack's user and its generated password.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const DEBIAN_ROOT = '/usr/lib/postgresql';

/** The newest PostgreSQL binaries Debian installed (12 or later: Temporal's postgres12 plugin); none when missing. */
export function findPostgres(): { bin: string; major: number } | undefined {
  if (!existsSync(DEBIAN_ROOT)) return undefined;
  const majors = readdirSync(DEBIAN_ROOT)
    .map((d) => Number.parseInt(d, 10))
    .filter((m) => m >= 12 && existsSync(join(DEBIAN_ROOT, String(m), 'bin', 'pg_ctl')))
    .sort((a, b) => b - a);
  return majors.length ? { bin: join(DEBIAN_ROOT, String(majors[0]), 'bin'), major: majors[0]! } : undefined;
}

/** Finds PostgreSQL, installing Debian's `postgresql` package first when it is missing and this runs as root. */
export function ensurePostgres(log: (line: string) => void): { bin: string; major: number } {
  const found = findPostgres();
  if (found) return found;
  const root = process.getuid?.() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    throw new Error('PostgreSQL (12 or later) is not installed: run `sudo apt-get install -y postgresql`, then again');
  }
  log("Installing PostgreSQL from Debian's packages (apt-get install postgresql) ...");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let install = spawnSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { env, stdio: 'inherit' });
  if (install.status !== 0) {
    spawnSync('apt-get', ['update', '-qq'], { env, stdio: 'inherit' });
    install = spawnSync('apt-get', ['install', '-y', '-qq', 'postgresql'], { env, stdio: 'inherit' });
  }
  const after = findPostgres();
  if (install.status !== 0 || !after)
    throw new Error('Could not install PostgreSQL (apt-get install postgresql failed)');
  return after;
}

export interface PostgresOptions {
  bin: string;
  /** The cluster's data folder (created on the first start). */
  dataDir: string;
  port: number;
  user: string;
  /** A file holding the user's password (the compose stack's generated one). */
  passwordFile: string;
  log: (line: string) => void;
}

/**
 * The server runs as an unprivileged user: `postgres` (Debian's) when we are root, which must own its folders;
 * ourselves otherwise.
 */
function asServerUser(opts: PostgresOptions, command: string, args: string[]): void {
  const root = process.getuid?.() === 0;
  const [file, argv] = root
    ? ['runuser', ['-u', 'postgres', '--', join(opts.bin, command), ...args]]
    : [join(opts.bin, command), args];
  execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

function ownedByServer(path: string): void {
  if (process.getuid?.() !== 0) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  chownSync(path, uid, gid);
}

/** Creates the data folder on the first start, then starts PostgreSQL and waits until it accepts connections. */
export function startPostgres(opts: PostgresOptions): void {
  const data = join(opts.dataDir, 'data');
  const run = join(opts.dataDir, 'run');
  mkdirSync(opts.dataDir, { recursive: true });
  mkdirSync(run, { recursive: true });
  ownedByServer(opts.dataDir);
  ownedByServer(run);
  if (
    process.getuid?.() === 0 &&
    spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', opts.dataDir]).status !== 0
  ) {
    throw new Error(
      `PostgreSQL runs as the user postgres, which cannot reach ${opts.dataDir} (a folder above it is closed to other users): set CLUSTER_DIR to a folder it can reach, such as /var/tmp/privatelink-cluster`,
    );
  }
  if (!existsSync(join(data, 'PG_VERSION'))) {
    opts.log(`Creating the PostgreSQL data folder ${data} ...`);
    rmSync(data, { recursive: true, force: true });
    // initdb reads the password from a file the server user can read; removed right after.
    const pwfile = join(opts.dataDir, 'initdb-password');
    copyFileSync(opts.passwordFile, pwfile);
    ownedByServer(pwfile);
    try {
      asServerUser(opts, 'initdb', [
        '-D',
        data,
        '-U',
        opts.user,
        `--pwfile=${pwfile}`,
        '--auth-host=scram-sha-256',
        '--auth-local=peer',
        '-E',
        'UTF8',
        '--no-instructions',
      ]);
    } finally {
      rmSync(pwfile, { force: true });
    }
    // Loopback only, a socket in the cluster's own folder, and room for four Temporal services' pools.
    appendFileSync(
      join(data, 'postgresql.conf'),
      `\n# scripts/cluster: the native cluster's settings\nlisten_addresses = '127.0.0.1'\nport = ${opts.port}\nunix_socket_directories = '${run}'\nmax_connections = 300\n`,
    );
  }
  opts.log(`Starting PostgreSQL on 127.0.0.1:${opts.port} ...`);
  asServerUser(opts, 'pg_ctl', ['-D', data, '-l', join(opts.dataDir, 'postgres.log'), '-w', '-t', '60', 'start']);
}

/** Stops PostgreSQL (fast: open connections are closed, nothing is lost); nothing when it is not running. */
export function stopPostgres(opts: PostgresOptions): void {
  const data = join(opts.dataDir, 'data');
  if (!existsSync(join(data, 'postmaster.pid'))) return;
  asServerUser(opts, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
}
