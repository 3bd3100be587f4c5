import { activitySettingsFromEnv } from '../../src/config/activities';
import { AppError } from '../../src/errors';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return [...err.problems];
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('NOTIFY_WEBHOOK_URL', () => {
  it('is refused at start-up with credentials in it, and the URL is never quoted back', () => {
    const problems = problemsOf(() =>
      activitySettingsFromEnv({ NOTIFY_WEBHOOK_URL: 'https://bot:s3cret-pass@chat.example/hooks/PATHSECRET' }),
    );
    expect(problems).toEqual([expect.stringMatching(/^NOTIFY_WEBHOOK_URL must not contain credentials/)]);
    expect(problems.join('\n')).not.toMatch(/s3cret-pass|PATHSECRET|chat\.example/);
  });

  it('must be https (plain http only to this machine) and a URL; neither problem quotes its path', () => {
    const http = problemsOf(() =>
      activitySettingsFromEnv({ NOTIFY_WEBHOOK_URL: 'http://chat.example/T0/B0/PATHSECRET' }),
    );
    expect(http).toEqual([
      'NOTIFY_WEBHOOK_URL must be an https:// URL (plain http only to this machine; got http://chat.example)',
    ]);
    const garbage = problemsOf(() => activitySettingsFromEnv({ NOTIFY_WEBHOOK_URL: 'chat PATHSECRET' }));
    expect(garbage).toEqual([expect.stringMatching(/^NOTIFY_WEBHOOK_URL must be a URL/)]);
    expect([...http, ...garbage].join('\n')).not.toContain('PATHSECRET');
  });

  it('takes a service URL with its secret in the path or query, and a local receiver', () => {
    for (const url of [
      'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      'https://prod-00.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SIG',
      'http://127.0.0.1:9000/notify',
    ]) {
      expect(activitySettingsFromEnv({ NOTIFY_WEBHOOK_URL: url }).notifyWebhookUrl).toBe(url);
    }
  });
});
