import { cloudDocs, defaultFailingSide, troubleshootingChecklist } from '../../src/machines/guidance';

/**
 * The checklists of the vendor's document ("Test VPC endpoint service connection"), word for word as the side that
 * checks reads them in a ticket comment or a staff notification.
 */
describe('what to check when a connection test fails', () => {
  it('forward, the customer checks: their endpoint, its security group, a test from inside their network (AWS)', () => {
    expect(
      troubleshootingChecklist({
        cloud: 'aws',
        direction: 'forward',
        side: 'customer',
        ports: [3306],
        endpointId: 'vpce-0123456789abcdef0',
        host: 'vpce-0123.vpce-svc-0a1b.us-east-1.vpce.amazonaws.com',
      }),
    ).toEqual([
      'Your interface endpoint vpce-0123456789abcdef0 shows "Available" in the VPC console (Endpoints), with a subnet in each Availability Zone you test from',
      'The security group of your endpoint allows inbound TCP on 3306 from the host you test from, and your network ACLs allow the traffic both ways',
      "You test from a host inside your VPC (or a network routed to it), with the endpoint's DNS name or IP address: curl -v telnet://vpce-0123.vpce-svc-0a1b.us-east-1.vpce.amazonaws.com:3306",
      `Cloud guide: ${cloudDocs.aws.troubleshooting}`,
    ]);
  });

  it('forward, the customer checks (Azure, endpoint and host not yet known, several ports)', () => {
    expect(
      troubleshootingChecklist({ cloud: 'azure', direction: 'forward', side: 'customer', ports: [3306, 2222] }),
    ).toEqual([
      'Your private endpoint shows the connection state "Approved" in the Azure portal',
      "The network security group of your endpoint's subnet allows TCP on 3306, 2222 from the host you test from",
      "You test from a host inside your virtual network (or a network routed to it), with the endpoint's DNS name or IP address: curl -v telnet://<endpoint-dns-name>:<port>",
      `Cloud guide: ${cloudDocs.azure.troubleshooting}`,
    ]);
  });

  it('forward, the vendor checks: allowlist and acceptance, ports, load balancer, listening, packets, a test from each VM', () => {
    expect(
      troubleshootingChecklist({
        cloud: 'aws',
        direction: 'forward',
        side: 'vendor',
        ports: [3306, 2222],
        endpointId: 'vpce-0123456789abcdef0',
      }),
    ).toEqual([
      'Endpoint and endpoint service settings: the account is allowed and the connection request from vpce-0123456789abcdef0 is accepted',
      "The ports are open in the project's environment: 3306, 2222",
      'The network load balancer (NLB) settings: a TCP listener for each port (3306, 2222)',
      'The target groups of the NLB: every target registered and healthy',
      'The service listens on each VM: netstat -na | grep <port>',
      'Packets arrive: tcpdump -i <ethernet-interface> -tt -nn port <port> and host <source-host>',
      'curl -v telnet://<endpoint-service-dns>:<port> from each VM',
    ]);
    expect(
      troubleshootingChecklist({ cloud: 'azure', direction: 'forward', side: 'vendor', ports: [5432] }).slice(0, 5),
    ).toEqual([
      'Endpoint and endpoint service settings: the subscriptions are allowed and the connection request is accepted',
      "The ports are open in the project's environment: 5432",
      'The load balancer settings: a load-balancing rule for each port (5432)',
      "The load balancer's backend pool: every instance healthy in its health probe",
      'The service listens on each VM: netstat -na | grep 5432',
    ]);
  });

  it('reverse, the customer checks their own service behind their load balancer', () => {
    expect(
      troubleshootingChecklist({
        cloud: 'aws',
        direction: 'reverse',
        side: 'customer',
        ports: [443],
        endpointId: 'vpce-0fedcba9876543210',
        customerService: 'com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0',
      }),
    ).toEqual([
      'Your endpoint service com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0 accepted the connection from our endpoint vpce-0fedcba9876543210 (state "Available")',
      'The network load balancer (NLB) settings: a TCP listener for each port (443)',
      'The target groups of the NLB: every target registered and healthy',
      'The service listens on each VM: netstat -na | grep 443',
      'Packets arrive: tcpdump -i <ethernet-interface> -tt -nn port 443 and host <source-host>',
      "The security groups of your targets allow TCP on 443 from the NLB's private IP addresses",
      `Cloud guide: ${cloudDocs.aws.troubleshooting}`,
    ]);
    const azure = troubleshootingChecklist({ cloud: 'azure', direction: 'reverse', side: 'customer', ports: [443] });
    expect(azure[0]).toBe('Your Private Link service accepted the connection from our endpoint (state "Approved")');
    expect(azure[5]).toBe(
      "The network security groups of your backend instances allow TCP on 443 from the Private Link service's NAT IP addresses",
    );
    expect(azure[6]).toBe(`Cloud guide: ${cloudDocs.azure.troubleshooting}`);
  });

  it('reverse, the vendor checks its own endpoint', () => {
    expect(
      troubleshootingChecklist({
        cloud: 'azure',
        direction: 'reverse',
        side: 'vendor',
        ports: [443],
        endpointId: 'pe-vendor-1',
        host: 'pe-vendor-1.privatelink.example',
      }),
    ).toEqual([
      'Our endpoint pe-vendor-1 is connected ("Approved") and pe-vendor-1.privatelink.example resolves to its private addresses',
      'The security group of our endpoint allows TCP on 443 from our VMs',
      'netcat/curl from each VM: curl -v telnet://pe-vendor-1.privatelink.example:443',
    ]);
    expect(
      troubleshootingChecklist({ cloud: 'aws', direction: 'reverse', side: 'vendor', ports: [443, 8443] }),
    ).toEqual([
      'Our endpoint is "Available" and <endpoint-dns-name> resolves to its private addresses',
      'The security group of our endpoint allows TCP on 443, 8443 from our VMs',
      'netcat/curl from each VM: curl -v telnet://<endpoint-dns-name>:<port>',
    ]);
  });

  it('when a failure report does not say whose piece failed: the side owning the service end', () => {
    expect(defaultFailingSide('forward')).toBe('vendor');
    expect(defaultFailingSide('reverse')).toBe('customer');
  });
});
