/**
 * The shape of intake data: its fields, the path types, a complete intake and a ticket's draft. The rules that check a
 * draft are in intake.ts and intake-rules.ts.
 */
import { z } from 'zod';
import { clouds } from './formats';
import { type Environment } from './vendor-config';

/** The two processes: the customer connects to the vendor, or each side to the other. */
export const connectionTypes = ['unidirectional', 'bidirectional'] as const;
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
const intakeSchema = z.object({
  ticketId: z.string(),
  subject: z.string(),
  company: z.string(),
  submittedAt: z.iso.datetime({ offset: true }).optional(),
  projectId: z.string(),
  environment: z.enum(eligibleEnvironments),
  cloud: z.enum(clouds),
  region: z.string(),
  customerAccount: z.string(),
  services: z.array(serviceSchema).min(1),
  /** Bidirectional only: the ports of the customer's own service, which the vendor connects to (the reverse leg). */
  reverseServices: z.array(serviceSchema).min(1).optional(),
  connectionType: z.enum(connectionTypes),
  customerEndpointService: z.string().optional(),
  vendorPrincipalAccessGranted: z.boolean(),
  privateDns: z.literal(false),
  azure: z
    .object({ clusterId: z.string(), subscriptionIds: z.array(z.string()), targetResourceIds: z.array(z.string()) })
    .optional(),
});
export type Intake = z.infer<typeof intakeSchema>;

/**
 * Parses a complete intake (unknown fields dropped) or throws. A function, not an exported schema: workers share this
 * module between workflows and freeze what it exports, which a zod schema does not survive.
 */
export function parseIntake(value: unknown): Intake {
  return intakeSchema.parse(value);
}

/** The complete intake's schema, for the API's description of its answers (a function for the reason above). */
export function intakeSchemaOf(): typeof intakeSchema {
  return intakeSchema;
}

/** Whatever a ticket has said so far: any subset of the intake fields, possibly wrong. */
export type IntakeDraft = Record<string, unknown>;

/** The fields of the intake's `azure` object. */
export const knownAzureFields = ['clusterId', 'subscriptionIds', 'targetResourceIds'] as const;

/** The top-level fields of intake data (docs/intake-and-events.md); anything else is refused with a "did you mean". */
export const intakeFields = [
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
  'azure',
] as const;

/** Every intake field, the `azure` object's as `azure.<field>`: what the docs describe. */
export const intakeFieldPaths: readonly string[] = [
  ...intakeFields.filter((f) => f !== 'azure'),
  ...knownAzureFields.map((f) => `azure.${f}`),
];
