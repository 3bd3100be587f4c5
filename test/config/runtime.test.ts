import { resolve } from 'node:path';
import { runtimeConfigFromEnv } from '../../src/config/runtime';
import { AppError } from '../../src/errors';

describe('npm start settings', () => {
  it('defaults to the documented ports and data folder', () => {
    expect(runtimeConfigFromEnv({})).toEqual({
      port: 3000,
      host: '127.0.0.1',
      dataDir: resolve('.data'),
      devServerPort: 7233,
      uiPort: 8233,
      uiWriteActions: false,
      logLevel: 'info',
      vendorConfigPath: expect.stringMatching(/config\/vendor\.example\.json$/),
    });
  });

  it('honours overrides, empty values counting as unset', () => {
    expect(
      runtimeConfigFromEnv({ PORT: '8080', TEMPORAL_DEV_PORT: '17233', TEMPORAL_UI: 'false', DATA_DIR: '', HOST: '' }),
    ).toMatchObject({ port: 8080, devServerPort: 17233, uiPort: false, dataDir: resolve('.data'), host: '127.0.0.1' });
  });

  it('rejects invalid values, naming each variable', () => {
    expect(() => runtimeConfigFromEnv({ PORT: 'eighty', TEMPORAL_UI_PORT: '70000', LOG_LEVEL: 'loud' })).toThrow(
      AppError,
    );
    const message = (() => {
      try {
        runtimeConfigFromEnv({ PORT: 'eighty', TEMPORAL_UI_PORT: '70000', LOG_LEVEL: 'loud' });
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toMatch(/PORT: .*\(got "eighty"\)/);
    expect(message).toMatch(/TEMPORAL_UI_PORT: .*\(got "70000"\)/);
    expect(message).toMatch(/LOG_LEVEL: .*\(got "loud"\)/);
  });

  it('reads the worker settings: metrics address, health port and cache size', () => {
    expect(
      runtimeConfigFromEnv({ METRICS_ADDRESS: '0.0.0.0:9464', HEALTH_PORT: '8081', WORKER_MAX_CACHED_WORKFLOWS: '0' }),
    ).toMatchObject({ metricsAddress: '0.0.0.0:9464', healthPort: 8081, maxCachedWorkflows: 0 });
    expect(runtimeConfigFromEnv({ METRICS_ADDRESS: '[::]:9464' }).metricsAddress).toBe('[::]:9464');
    // A host name would only fail later, inside the SDK's exporter: it wants a socket address.
    expect(() => runtimeConfigFromEnv({ METRICS_ADDRESS: 'prometheus:9464' })).toThrow(
      /METRICS_ADDRESS: must be <IP>:<port>.*\(got "prometheus:9464"\)/,
    );
    expect(() => runtimeConfigFromEnv({ WORKER_MAX_CACHED_WORKFLOWS: '2.5' })).toThrow(
      /WORKER_MAX_CACHED_WORKFLOWS: must be a whole number \(got "2.5"\)/,
    );
  });
});
