/**
 * The shape of intake data: its fields, the path types, a complete intake and a ticket's draft. The rules that check a
 * draft are in intake.ts and intake-rules.ts.
 */
import { z } from 'zod';
import { type Cloud, cloudModules, clouds } from './clouds';
import type { CloudDetails } from './clouds/cloud';
import { type Environment } from './vendor-config';

/**
 * The three processes: the customer connects to the vendor, each side to the other, or (seed 002) only the vendor to
 * the customer's service.
 */
export const connectionTypes = ['unidirectional', 'bidirectional', 'reverse'] as const;
export type ConnectionType = (typeof connectionTypes)[number];

/** Environments PrivateLink can be enabled on (the seeds: Pro Production and Staging only). */
export const eligibleEnvironments = ['production', 'staging'] as const satisfies readonly Environment[];

/** One service to open through the connection, e.g. `{ name: 'mysql', port: 3306 }`. */
export interface Service {
  name: string;
  port: number;
}

const serviceSchema = z.object({ name: z.string(), port: z.number().int().min(1).max(65535) });

/** A complete, valid and eligible intake: what the rest of the product works with. */
const baseSchema = z.object({
  ticketId: z.string(),
  subject: z.string(),
  company: z.string(),
  submittedAt: z.iso.datetime({ offset: true }).optional(),
  projectId: z.string(),
  environment: z.enum(eligibleEnvironments),
  cloud: z.enum(clouds),
  region: z.string(),
  customerAccount: z.string(),
  /** The vendor's ports the customer connects to; none on a reverse connection. */
  services: z.array(serviceSchema),
  /** Bidirectional and reverse: the ports of the customer's own service, which the vendor connects to. */
  reverseServices: z.array(serviceSchema).min(1).optional(),
  connectionType: z.enum(connectionTypes),
  customerEndpointService: z.string().optional(),
  vendorPrincipalAccessGranted: z.boolean(),
  privateDns: z.literal(false),
});

/** The details of the clouds that have any, each under its cloud's id (`azure`, `alibaba`): their modules' shapes. */
type DetailsOf<M> = M extends { details?: CloudDetails<infer D> } ? D : never;
export type IntakeDetails = {
  [K in Cloud as [DetailsOf<(typeof cloudModules)[K]>] extends [never] ? never : K]?: DetailsOf<
    (typeof cloudModules)[K]
  >;
};

/** The intake's schema: the common fields and each cloud's details object, as its module describes it. */
const intakeSchema = baseSchema.extend(
  Object.fromEntries(
    clouds.flatMap((id) => {
      const details = cloudModules[id].details;
      return details ? [[id, details.schema().optional()]] : [];
    }),
  ),
);
export type Intake = z.infer<typeof baseSchema> & IntakeDetails;

/**
 * Parses a complete intake (unknown fields dropped) or throws. A function, not an exported schema: workers share this
 * module between workflows and freeze what it exports, which a zod schema does not survive.
 */
export function parseIntake(value: unknown): Intake {
  return intakeSchema.parse(value) as Intake;
}

/** The complete intake's schema, for the API's description of its answers (a function for the reason above). */
export function intakeSchemaOf(): z.ZodType<Intake> {
  return intakeSchema as unknown as z.ZodType<Intake>;
}

/** Whatever a ticket has said so far: any subset of the intake fields, possibly wrong. */
export type IntakeDraft = Record<string, unknown>;

export { knownAzureFields } from './clouds/azure';
export { knownAlibabaFields } from './clouds/alibaba';

/** The intake's fields every cloud has. */
const commonIntakeFields = [
  'ticketId',
  'subject',
  'company',
  'submittedAt',
  'projectId',
  'environment',
  'cloud',
  'region',
  'customerAccount',
  'services',
  'reverseServices',
  'connectionType',
  'customerEndpointService',
  'vendorPrincipalAccessGranted',
  'privateDns',
] as const;

/** The intake fields that hold a cloud's own details (`azure`, `alibaba`): each cloud with details, by its id. */
export const cloudDetailFields: readonly string[] = clouds.filter((id) => cloudModules[id].details);

/** The top-level fields of intake data (docs/intake-and-events.md); anything else is refused with a "did you mean". */
export const intakeFields: readonly string[] = [...commonIntakeFields, ...cloudDetailFields];

/** Every intake field, a cloud's details as `<cloud>.<field>` (`azure.clusterId`): what the docs describe. */
export const intakeFieldPaths: readonly string[] = [
  ...intakeFields.filter((f) => !cloudDetailFields.includes(f)),
  ...cloudDetailFields.flatMap((id) => cloudModules[id as Cloud].details!.fields.map((f) => `${id}.${f.name}`)),
];
