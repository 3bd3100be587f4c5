import { z } from 'zod';
import { cloudList, cloudModules, cloudOf } from './clouds';
import { type RefusedPort } from './clouds/cloud';
import { cidrContains, type Cloud, clouds, isRegionOf, neverCheckedRanges, parseCidr } from './formats';
import { formatPath, type Problem } from './problems';
import { slaCalendarSchema } from './sla-calendar';

/** Adds a problem at `path` (from the schema being refined) to a refinement's issues. */
const problemAt = (ctx: z.RefinementCtx, path: PropertyKey[], message: string) =>
  ctx.addIssue({ code: 'custom', path, message });

/** Environments of a vendor project; only Pro production and staging are eligible for PrivateLink. */
export const environments = ['production', 'staging', 'integration', 'local'] as const;
export type Environment = (typeof environments)[number];
export const plans = ['pro', 'starter'] as const;
export type Plan = (typeof plans)[number];

const project = z
  .object({
    id: z.string().min(1, { error: 'must be the project id' }),
    cloud: z.enum(clouds, { error: `must be ${cloudList}` }),
    region: z.string().min(1, { error: 'must be the cloud region of the project' }),
    environment: z.enum(environments, { error: `must be one of ${environments.join(', ')}` }),
    plan: z.enum(plans, { error: 'must be pro or starter' }),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!isRegionOf(p.cloud, p.region)) {
      problemAt(ctx, ['region'], `"${p.region}" is not ${cloudOf(p.cloud).region.words}`);
    }
  });

/** `<cloud>:<region>`, or on Azure `azure:<region>:<cluster id>` for a cluster's own Private Link service alias. */
const endpointServiceKey = new RegExp(`^(${clouds.join('|')}):([a-z0-9-]+)(?::([A-Za-z0-9][A-Za-z0-9_.-]{0,99}))?$`);

/**
 * The vendor's own command-line tool, as the customer uses it in the vendor's document: how to find the project id,
 * log in, and check out the environment a connection test runs from. Quoted in ticket comments; without it, comments
 * describe these steps in words.
 */
const vendorCli = z
  .object({
    name: z.string().min(1).max(60),
    projectInfo: z.string().min(1).max(200),
    login: z.string().min(1).max(200),
    checkout: z.string().min(1).max(200),
  })
  .strict();
export type VendorCli = z.infer<typeof vendorCli>;

/** A block of addresses the connectivity check may connect to: a valid CIDR, and not one it never connects to. */
const allowedCidr = z.string({ error: 'must be a CIDR block such as 10.20.0.0/16' }).superRefine((text, ctx) => {
  const parsed = parseCidr(text);
  if (!parsed.ok) {
    ctx.addIssue(`"${text}" ${parsed.message}`);
    return;
  }
  // A block wholly inside a range the check never connects to (loopback, say) would allow nothing: say so.
  const { cidr } = parsed;
  const last = {
    ...cidr,
    bytes: cidr.bytes.map((byte, i) => byte | (0xff >> Math.min(8, Math.max(0, cidr.prefix - i * 8)))),
  };
  const never = neverCheckedRanges.find((r) => cidrContains(r.cidr, cidr) && cidrContains(r.cidr, last));
  if (never)
    ctx.addIssue(`"${text}" is ${never.what}: the connectivity check never connects there, whatever is allowed`);
});

/** A port the vendor does not open over PrivateLink, by number and (optionally) by service name, with why. */
const refusedPort = z
  .object({
    port: z.number().int().min(1).max(65535, { error: 'must be a port from 1 to 65535' }),
    name: z.string().min(1).max(60).optional(),
    reason: z.string().min(1, { error: 'must say why, in words the customer reads' }).max(300),
  })
  .strict();
export type { RefusedPort };

/**
 * The ports refused when the vendor configuration names none, each cloud's own: SSH everywhere, HTTPS on Azure (the
 * vendor document's versions disagree on whether 443 is refused on AWS too; `refusedPorts.aws` can add it).
 */
export const defaultRefusedPorts = Object.fromEntries(
  clouds.map((id) => [id, cloudModules[id].refusedPorts]),
) as Record<Cloud, RefusedPort[]>;

/** `vendor.principals`: each cloud's principal(s) in the form its module describes. */
const principalsSchema = z
  .object(
    Object.fromEntries(
      clouds.map((id) => {
        const { principal } = cloudModules[id];
        const one = z.string().regex(principal.pattern, { error: principal.rule });
        return [
          id,
          principal.list
            ? z.array(one).min(1, { error: 'must list at least one subscription id' }).optional()
            : one.optional(),
        ];
      }),
    ) as unknown as Record<Cloud, z.ZodOptional<z.ZodType<string | string[]>>>,
  )
  .strict();

/** `refusedPorts`: each cloud's list, its module's by default. */
const refusedPortsSchema = z
  .object(
    Object.fromEntries(
      clouds.map((id) => [id, z.array(refusedPort).max(50).default(defaultRefusedPorts[id])]),
    ) as Record<Cloud, z.ZodDefault<z.ZodArray<typeof refusedPort>>>,
  )
  .strict()
  .default(defaultRefusedPorts);

/**
 * The vendor side of every request (docs/configuration.md "Vendor configuration"): who the vendor is in each cloud, its endpoint service per cloud region,
 * the projects it hosts, and the SLA policy. Deployment configuration, not ticket data.
 */
const vendorConfigSchema = z
  .object({
    vendor: z
      .object({
        name: z.string().min(1, { error: 'must name the vendor' }),
        principals: principalsSchema,
        endpointServices: z.record(z.string(), z.string()).default({}),
        cli: vendorCli.optional(),
      })
      .strict(),
    projects: z.array(project).min(1, { error: 'must list at least one project' }),
    refusedPorts: refusedPortsSchema,
    connectivity: z
      .object({
        allowedCidrs: z
          .array(allowedCidr, { error: 'must be a list of CIDR blocks, e.g. ["10.20.0.0/16"]' })
          .max(100, { error: 'must list at most 100 CIDR blocks' }),
      })
      .strict()
      .optional(),
    sla: z
      .object({
        calendar: slaCalendarSchema(),
        pauseWhileWaitingOnCustomer: z.boolean({ error: 'must be true or false' }).default(false),
        warnAtPercent: z
          .array(z.number().gt(0, { error: 'must be above 0' }).lt(100, { error: 'must be below 100' }))
          .refine((list) => list.every((v, i) => i === 0 || v > (list[i - 1] ?? 0)), {
            error: 'must be in increasing order without repeats',
          })
          .default([50, 75, 90]),
      })
      .strict(),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const [key, service] of Object.entries(config.vendor.endpointServices)) {
      const match = endpointServiceKey.exec(key);
      const path = ['vendor', 'endpointServices', key];
      if (!match) {
        problemAt(
          ctx,
          path,
          'keys must be "<cloud>:<region>", e.g. "aws:us-east-1", or "azure:<region>:<cluster id>" for one cluster',
        );
        continue;
      }
      const [, cloud, region, cluster] = match as unknown as [string, Cloud, string, string | undefined];
      const module = cloudOf(cloud);
      if (!isRegionOf(cloud, region)) {
        problemAt(ctx, path, `names "${region}", which is not ${module.region.words} such as ${module.region.example}`);
      } else if (cluster !== undefined && !module.serviceKeyPart) {
        problemAt(ctx, path, `only Azure keys name a cluster: use "${cloud}:<region>"`);
      } else if (module.serviceNameProblem(region, service, 'it', true)) {
        problemAt(ctx, path, module.vendorServiceRule(region));
      }
    }
    const seen = new Set<string>();
    const projectsByCloud = new Map<Cloud, string[]>();
    config.projects.forEach((p, i) => {
      const key = `${p.id}/${p.environment}`;
      if (seen.has(key)) {
        problemAt(ctx, ['projects', i], `lists project ${p.id} (${p.environment}) twice`);
      }
      seen.add(key);
      projectsByCloud.set(p.cloud, [...(projectsByCloud.get(p.cloud) ?? []), p.id]);
    });
    for (const [cloud, ids] of projectsByCloud) {
      if (!config.vendor.principals[cloud]) {
        problemAt(
          ctx,
          ['vendor', 'principals', cloud],
          `is needed for bidirectional and reverse requests on ${cloud} projects (${[...new Set(ids)].join(', ')})`,
        );
      }
    }
  });

export type VendorConfig = z.infer<typeof vendorConfigSchema>;
export type VendorProject = VendorConfig['projects'][number];

/** Parses a vendor configuration, returning every problem at once (field paths as in the file). */
export function parseVendorConfig(
  input: unknown,
): { ok: true; config: VendorConfig } | { ok: false; problems: Problem[] } {
  const result = vendorConfigSchema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  return {
    ok: false,
    problems: result.error.issues.flatMap((issue): Problem[] =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            field: formatPath([...issue.path, key]),
            kind: 'invalid',
            message: 'is not a setting of the vendor configuration (misspelt?)',
          }))
        : [{ field: formatPath(issue.path), kind: 'invalid', message: issue.message }],
    ),
  };
}

/**
 * The vendor endpoint service customers connect to in a cloud region, if configured. On Azure the Private Link
 * service (its alias) belongs to the project's cluster: the cluster's own entry wins over the region's.
 */
export function vendorEndpointService(
  config: VendorConfig,
  cloud: Cloud,
  region: string,
  keyPart?: string,
): string | undefined {
  const services = config.vendor.endpointServices;
  return (keyPart ? services[`${cloud}:${region}:${keyPart}`] : undefined) ?? services[`${cloud}:${region}`];
}
