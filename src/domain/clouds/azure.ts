/**
 * Azure Private Link (the vendor's document, seed 001): subscription ids (GUIDs) for accounts, region names, a Private
 * Link service per vendor cluster (shared by its alias), private endpoints known by resource id, the vendor's
 * subscriptions as its principal, Standard Load Balancers in front of services, and the cluster id, subscriptions and
 * target services as the request's own details.
 */
import { z } from 'zod';
import { isRecord } from '../json';
import { bytesText, limits, truncateUtf8, utf8Length } from '../limits';
import { unknownFieldMessage } from '../did-you-mean';
import {
  type AddProblem,
  type CloudIntake,
  type CloudModule,
  CUSTOMER_SERVICE_BYTES,
  type DetailsContext,
  isBlank,
  isHostName,
  SSH,
  unique,
} from './cloud';

/** Azure region name, e.g. `eastus`, `westeurope`, `southcentralus`. */
export const azureRegionPattern = /^[a-z]+[0-9]?$/;
/** Azure subscription id: a GUID. */
export const guidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** Azure Private Link service resource id. */
export const azurePrivateLinkServicePattern =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w._()]+\/providers\/Microsoft\.Network\/privateLinkServices\/[-\w._]+$/;
/** Azure Private Link service alias (what the vendor shares), e.g. `svc.7f3b…-guid.eastus.azure.privatelinkservice`. */
export const azurePrivateLinkAliasPattern = /^[\w-]+\.[0-9a-fA-F-]{36}\.[a-z0-9]+\.azure\.privatelinkservice$/;
/** Azure private endpoint resource id. */
export const azurePrivateEndpointPattern =
  /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[-\w._()]+\/providers\/Microsoft\.Network\/privateEndpoints\/[-\w._]+$/;

const privateLinkServiceExample =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateLinkServices/{serviceName}';
const privateEndpointExample =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/privateEndpoints/{endpointName}';

/**
 * True for an Azure private endpoint's DNS name: a host name in a Private Link zone, e.g.
 * `vendor-pe.privatelink.database.windows.net` (Azure's zones are `privatelink.<service zone>`; a Private Link
 * service of the customer's own has no name of Azure's, so a private DNS zone named the same way, or the address).
 */
export function isAzureEndpointDns(name: string): boolean {
  const lower = name.toLowerCase();
  if (!isHostName(lower)) return false;
  const labels = lower.split('.');
  const at = labels.indexOf('privatelink');
  return at > 0 && at < labels.length - 1;
}

/** The fields of the intake's `azure` object. */
export const knownAzureFields = ['clusterId', 'subscriptionIds', 'targetResourceIds'] as const;

/** The most bytes of an Azure cluster id. */
const CLUSTER_ID_BYTES = 100;

/** The Azure details an intake carries. */
export interface AzureDetails {
  clusterId: string;
  subscriptionIds: string[];
  targetResourceIds: string[];
}

/**
 * The Azure details: the cluster id, and the subscriptions and Private Link services to approve (by default the
 * customer's subscription and, when the vendor connects to the customer, their endpoint service).
 */
export function validateAzure(value: unknown, request: DetailsContext, add: AddProblem): AzureDetails | undefined {
  const { customerAccount, connectionType, customerEndpointService } = request;
  const azure = isRecord(value) ? value : {};
  if (!isBlank(value) && !isRecord(value))
    add('azure', 'invalid', 'must be an object: { "clusterId": …, "subscriptionIds": […] }');
  for (const field of Object.keys(azure)) {
    if (!(knownAzureFields as readonly string[]).includes(field))
      add(`azure.${truncateUtf8(field, 80)}`, 'invalid', unknownFieldMessage(field, knownAzureFields));
  }
  let clusterId: string | undefined;
  if (isBlank(azure.clusterId))
    add('azure.clusterId', 'missing', 'is missing: the cluster id (on the cluster, run `cat /etc/platform_cluster`)');
  else if (typeof azure.clusterId !== 'string') add('azure.clusterId', 'invalid', 'must be text: the cluster id');
  else if (utf8Length(azure.clusterId.trim()) > CLUSTER_ID_BYTES)
    add('azure.clusterId', 'invalid', `may be at most ${bytesText(CLUSTER_ID_BYTES)}: the cluster id`);
  else clusterId = azure.clusterId.trim();

  const list = (
    field: 'subscriptionIds' | 'targetResourceIds',
    check: RegExp,
    what: { list: string; item: string },
  ): string[] => {
    const raw = azure[field];
    if (isBlank(raw)) return [];
    if (!Array.isArray(raw)) {
      add(`azure.${field}`, 'invalid', `must be a list of ${what.list}`);
      return [];
    }
    if (raw.length > limits.azureIdsPerRequest) {
      add(`azure.${field}`, 'invalid', `lists ${raw.length} items; at most ${limits.azureIdsPerRequest}`);
      return [];
    }
    raw.forEach((item, i) => {
      if (typeof item !== 'string' || utf8Length(item) > CUSTOMER_SERVICE_BYTES || !check.test(item.trim()))
        add(`azure.${field}[${i}]`, 'invalid', `must be ${what.item}`);
    });
    return raw.filter((item): item is string => typeof item === 'string').map((item) => item.trim());
  };
  const others = list('subscriptionIds', guidPattern, {
    list: 'Azure subscription ids (GUIDs) for the Private Endpoint connections',
    item: 'an Azure subscription id (a GUID)',
  });
  if (connectionType === 'reverse' && others.length) {
    add(
      'azure.subscriptionIds',
      'invalid',
      'applies to connections from your network to ours only (on a reverse connection only we connect, to your service): remove it, or set the connection type to unidirectional or bidirectional',
    );
  }
  // Every subscription the vendor allowlists: the customer account first, then the others the ticket lists.
  const subscriptionIds =
    connectionType === 'reverse'
      ? []
      : unique([
          // An account that is no GUID is a problem of its own: this value is then never used.
          ...(customerAccount ? [customerAccount] : []),
          ...others,
        ]);
  // Every Private Link service the vendor connects to (the reverse leg, once each): the customer endpoint service
  // first, then the other targets. A unidirectional request connects to none, so listing some is a mistake to fix.
  const targets = list('targetResourceIds', azurePrivateLinkServicePattern, {
    list: 'Private Link service resource ids',
    item: `a Private Link service resource id (${privateLinkServiceExample})`,
  });
  if (connectionType === 'unidirectional' && targets.length) {
    add(
      'azure.targetResourceIds',
      'invalid',
      'applies to bidirectional and reverse requests only (we connect to your services only then): remove it, or set the connection type to bidirectional',
    );
  }
  const targetResourceIds =
    connectionType === 'bidirectional' || connectionType === 'reverse'
      ? unique([
          // Checked with the customer endpoint service: one of another shape is a problem, and this value unused.
          ...(customerEndpointService ? [customerEndpointService] : []),
          ...targets,
        ])
      : [];
  return clusterId === undefined ? undefined : { clusterId, subscriptionIds, targetResourceIds };
}

const detailsOf = (intake: CloudIntake) => intake.azure as AzureDetails | undefined;

const docs = {
  createEndpoint: 'https://docs.microsoft.com/en-us/azure/private-link/private-endpoint-overview',
  connectionRequests:
    'https://docs.microsoft.com/en-us/azure/private-link/private-link-service-overview#manage-your-connection-requests',
  grantAccess: 'https://docs.microsoft.com/en-us/azure/private-link/manage-private-endpoint',
  loadBalancer: 'https://docs.microsoft.com/en-us/azure/load-balancer/quickstart-load-balancer-standard-public-portal',
  endpointService: 'https://docs.microsoft.com/en-us/azure/private-link/private-link-service-overview#workflow',
  troubleshooting: 'https://docs.microsoft.com/en-us/azure/private-link/troubleshoot-private-link-connectivity',
};

export const azure: CloudModule<'azure', AzureDetails> = {
  id: 'azure',
  name: 'Azure',
  aliases: ['microsoft azure'],
  source: 'seed 001 (Azure Private Link, both directions)',
  region: { pattern: azureRegionPattern, example: 'eastus', words: 'an Azure region code' },
  account: {
    pattern: guidPattern,
    example: '00000000-0000-0000-0000-000000000000',
    rule: 'must be an Azure subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)',
    missing: 'your Azure subscription id',
    what: 'an Azure subscription id (a GUID)',
    ticketKeys: ['Azure subscription', 'Azure subscription ID'],
  },
  principal: {
    pattern: guidPattern,
    example: '00000000-0000-0000-0000-000000000000',
    rule: 'must be an Azure subscription id (GUID)',
    list: true,
  },
  serviceNameProblem(_region, value, label, aliasToo = false) {
    if (azurePrivateLinkServicePattern.test(value) || (aliasToo && azurePrivateLinkAliasPattern.test(value))) {
      return undefined;
    }
    return `${label} is not an Azure Private Link service resource id${aliasToo ? ' or alias' : ''} (${privateLinkServiceExample})`;
  },
  vendorServiceRule: () => 'must be an Azure Private Link service alias or resource id',
  customerServiceShape: () => `the resource id of your Private Link service, ${privateLinkServiceExample}`,
  endpointIdProblem: (value, label) =>
    azurePrivateEndpointPattern.test(value)
      ? undefined
      : `${label} is not an Azure private endpoint resource id (${privateEndpointExample})`,
  isEndpointDns: isAzureEndpointDns,
  endpointDnsWords: 'an Azure private endpoint DNS name in a privatelink zone (vendor-pe.privatelink.<zone>)',
  refusedPorts: [
    SSH,
    {
      port: 443,
      name: 'https',
      reason: 'HTTPS (port 443) is not available over Azure Private Link; remove this service or use another port',
    },
  ],
  words: {
    anEndpoint: 'a private endpoint',
    service: 'Private Link service',
    aLoadBalancer: 'a Standard Load Balancer',
    network: 'virtual network',
    serviceNameWord: 'alias',
    customerServiceNameWord: 'resource id',
    accountNoun: 'subscriptions',
    accountHeading: 'Subscriptions',
    oneAccount: 'Azure subscription',
    principalNoun: 'Azure subscriptions',
    grantDeclared: 'You told us our subscriptions are already allowed: thank you.',
    grantAsk:
      'If you have not done so yet, allow these subscriptions now: until they are allowed we cannot connect to your service, which delays the set-up.',
    mustAccept: 'Each must accept connections from our Azure subscriptions',
    allowOn: (target) => `allow our Azure subscriptions to connect to ${target}`,
    replyGranted: 'Reply when access is granted',
    replyServiceName: '',
    checkAllows: 'your Private Link service allows these principals',
    acceptStep: (endpointId) => `accept the connection request from endpoint ${endpointId}`,
    weAllow: (accounts, region) =>
      `We are now allowing Azure subscription${accounts.length === 1 ? '' : 's'} ${accounts.join(', ')} to connect to our Private Link service in ${region}.`,
    nowAllowed: 'Your Azure subscriptions can now connect to our Private Link service.',
    removeUs: 'stop allowing our Azure subscriptions on your Private Link service',
    endpointIdHint: 'the private endpoint resource id',
    acceptedState: '"Approved"',
    lookup: (endpointId) => ({
      command: `az network private-endpoint show --ids ${endpointId} --query "customDnsConfigs[0].ipAddresses[0]" --output tsv`,
      what: 'private IP address',
    }),
    allowlistTask: ({ accounts, region, service, details }) =>
      `Allowlist Azure subscriptions ${accounts.join(', ')} on the Private Link service of cluster ${String(details.clusterId)} in ${region}${service ? ` (alias ${service})` : ''}, then record customer_access.granted`,
  },
  checklist: {
    customerEndpoint: (endpoint) =>
      `Your private endpoint${endpoint} shows the connection state "Approved" in the Azure portal`,
    customerEndpointSecurity: (ports) =>
      `The network security group of your endpoint's subnet allows TCP on ${ports} from the host you test from`,
    loadBalancer: 'load balancer',
    listeners: (ports) => `a load-balancing rule for each port (${ports})`,
    healthy: "The load balancer's backend pool: every instance healthy in its health probe",
    serviceAccepted: (service, endpoint) =>
      `Your Private Link service${service} accepted the connection from our endpoint${endpoint} (state "Approved")`,
    targetsAllow: (ports) =>
      `The network security groups of your backend instances allow TCP on ${ports} from the Private Link service's NAT IP addresses`,
    vendorEndpointState: 'connected ("Approved")',
  },
  docs,
  details: {
    ticketKey: 'Azure details',
    describe: 'Azure only: the cluster id, and the subscriptions and Private Link services to approve',
    fields: [
      {
        name: 'clusterId',
        ticketKey: 'Azure cluster ID',
        labels: ['Cluster ID'],
        kind: 'text',
        example: 'Azure cluster ID: c1a2b3',
      },
      {
        name: 'subscriptionIds',
        ticketKey: 'Azure subscription IDs',
        labels: ['Subscription IDs'],
        kind: 'list',
        example: 'Azure subscription IDs: 00000000-0000-0000-0000-000000000000, 11111111-1111-1111-1111-111111111111',
      },
      {
        name: 'targetResourceIds',
        ticketKey: 'Azure target resource IDs',
        labels: ['Target resource IDs'],
        kind: 'list',
        example:
          'Azure target resource IDs: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls',
      },
    ],
    validate: validateAzure,
    schema: () =>
      z.object({
        clusterId: z.string(),
        subscriptionIds: z.array(z.string()),
        targetResourceIds: z.array(z.string()),
      }),
  },
  changeServiceHint: 'on Azure, name the target resource id',
  accountsOf: (intake) => {
    const details = detailsOf(intake);
    return details?.subscriptionIds.length ? details.subscriptionIds : [intake.customerAccount];
  },
  reverseTargetsOf: (intake) => {
    const details = detailsOf(intake);
    if (details?.targetResourceIds.length) return details.targetResourceIds;
    return intake.customerEndpointService ? [intake.customerEndpointService] : [];
  },
  serviceKeyPart: (intake) => detailsOf(intake)?.clusterId,
};
