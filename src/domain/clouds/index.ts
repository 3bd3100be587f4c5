/**
 * The clouds the product runs PrivateLink enablement on, by id: each one module that describes itself (cloud.ts).
 * Adding a cloud is adding its module here (docs/clouds.md).
 */
import { alibaba } from './alibaba';
import { aws } from './aws';
import { azure } from './azure';
import type { CloudIntake, CloudModule } from './cloud';

/** Every cloud's module, by id, in the order the docs list them. */
export const cloudModules = { aws, azure, alibaba } as const;

/** The clouds' ids. */
export const clouds = ['aws', 'azure', 'alibaba'] as const satisfies readonly (keyof typeof cloudModules)[];
export type Cloud = (typeof clouds)[number];

/** The module of `cloud`. */
export function cloudOf(cloud: Cloud): CloudModule {
  return cloudModules[cloud];
}

/** The cloud a ticket names, however it writes it ("AWS", "Amazon Web Services", "Aliyun"), if it names one. */
export function cloudNamed(text: string): Cloud | undefined {
  const lower = text.trim().toLowerCase();
  return clouds.find((id) => id === lower || cloudModules[id].aliases.includes(lower));
}

/** The clouds' ids as a person reads them: "aws, azure or alibaba". */
export const cloudList = `${clouds.slice(0, -1).join(', ')} or ${clouds[clouds.length - 1]}`;

/** The accounts the vendor allowlists on its endpoint service: the customer account, unless the cloud says more. */
export function accountsOf(cloud: Cloud, intake: CloudIntake): string[] {
  if (intake.connectionType === 'reverse') return [];
  return cloudOf(cloud).accountsOf?.(intake) ?? [intake.customerAccount];
}

/** The customer services the vendor connects to, in order (none on a unidirectional connection). */
export function reverseTargetsOf(cloud: Cloud, intake: CloudIntake): string[] {
  if (intake.connectionType === 'unidirectional') return [];
  const module = cloudOf(cloud);
  if (module.reverseTargetsOf) return module.reverseTargetsOf(intake);
  return intake.customerEndpointService ? [intake.customerEndpointService] : [];
}

export type { CloudModule, RefusedPort } from './cloud';
