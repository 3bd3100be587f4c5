import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../src/errors';
import { connectionConfigFromEnv } from '../../src/config/temporal-connection';

describe('connecting to an existing Temporal cluster from the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-'));
  const cert = join(dir, 'client.pem');
  const key = join(dir, 'client.key');
  writeFileSync(cert, 'CERT');
  writeFileSync(key, 'KEY');

  it('uses the embedded dev server when TEMPORAL_ADDRESS is not set', () => {
    expect(connectionConfigFromEnv({})).toBeUndefined();
    expect(connectionConfigFromEnv({ TEMPORAL_ADDRESS: '  ' })).toBeUndefined();
  });

  it('connects in plaintext to the default namespace by default', () => {
    expect(connectionConfigFromEnv({ TEMPORAL_ADDRESS: 'temporal:7233' })).toEqual({
      address: 'temporal:7233',
      namespace: 'default',
      tls: undefined,
      apiKey: undefined,
    });
  });

  it('uses mTLS with the given client certificate, CA and server name', () => {
    const config = connectionConfigFromEnv({
      TEMPORAL_ADDRESS: 'prod.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'prod.a1b2c',
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_PATH: key,
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: cert,
      TEMPORAL_TLS_SERVER_NAME: 'prod.a1b2c.tmprl.cloud',
    });
    expect(config?.namespace).toBe('prod.a1b2c');
    expect(config?.tls?.clientCertPair?.crt.toString()).toBe('CERT');
    expect(config?.tls?.clientCertPair?.key.toString()).toBe('KEY');
    expect(config?.tls?.serverRootCACertificate?.toString()).toBe('CERT');
    expect(config?.tls?.serverNameOverride).toBe('prod.a1b2c.tmprl.cloud');
  });

  it('turns TLS on for a Temporal Cloud API key', () => {
    const config = connectionConfigFromEnv({
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_API_KEY: 'k',
    });
    expect(config).toMatchObject({ apiKey: 'k', tls: {} });
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      connectionConfigFromEnv({
        TEMPORAL_ADDRESS: 'http://temporal',
        TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'nope.pem'),
        TEMPORAL_TLS: 'maybe',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    const message = (error as AppError).message;
    expect(message).toContain('TEMPORAL_ADDRESS must be host:port');
    expect(message).toMatch(/TEMPORAL_TLS_CLIENT_CERT_PATH=.*nope\.pem cannot be read \(ENOENT\)/);
    expect(message).toContain('TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together');
    expect(message).toContain('TEMPORAL_TLS must be true or false, got "maybe"');
  });
});
