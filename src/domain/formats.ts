/**
 * Identifier formats of the two clouds, shared by the intake and vendor configuration schemas. Kept as data so the
 * messages that quote them and the checks that use them never drift apart.
 */

/** The two clouds PrivateLink enablement supports. */
export const clouds = ['aws', 'azure'] as const;
export type Cloud = (typeof clouds)[number];

/** AWS region code, e.g. `us-east-1`, `eu-central-2`, `us-gov-west-1`. */
export const awsRegionPattern = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** Azure region name, e.g. `eastus`, `westeurope`, `southcentralus`. */
export const azureRegionPattern = /^[a-z]+[0-9]?$/;
/** AWS account id: exactly 12 digits. */
export const awsAccountPattern = /^\d{12}$/;
/** Azure subscription id: a GUID. */
export const guidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** AWS IAM principal ARN, e.g. `arn:aws:iam::402592597372:root`. */
export const awsPrincipalPattern = /^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/;

/** AWS endpoint service name; the captured group is the region it lives in. */
export const awsServiceNamePattern = /^com\.amazonaws\.vpce\.([a-z0-9-]+)\.vpce-svc-[0-9a-f]{8,17}$/;
/** Azure Private Link service resource id. */
export const azurePrivateLinkServicePattern =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w._()]+\/providers\/Microsoft\.Network\/privateLinkServices\/[-\w._]+$/;
/** Azure Private Link service alias (what the vendor shares), e.g. `svc.7f3b…-guid.eastus.azure.privatelinkservice`. */
export const azurePrivateLinkAliasPattern = /^[\w-]+\.[0-9a-fA-F-]{36}\.[a-z0-9]+\.azure\.privatelinkservice$/;

/** True when `value` is a valid region code for `cloud`. */
export function isRegionOf(cloud: Cloud, value: string): boolean {
  return (cloud === 'aws' ? awsRegionPattern : azureRegionPattern).test(value);
}

/** Example values quoted in messages, so a person sees the expected shape. */
export const examples = {
  awsRegion: 'us-east-1',
  azureRegion: 'eastus',
  awsAccount: '123456789012',
  guid: '00000000-0000-0000-0000-000000000000',
  awsServiceName: (region: string) => `com.amazonaws.vpce.${region}.vpce-svc-0123456789abcdef0`,
  azurePrivateLinkService:
    '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateLinkServices/{serviceName}',
} as const;
