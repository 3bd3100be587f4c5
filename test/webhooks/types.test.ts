import { describeValue, isoSeconds, mentionsPrivateLink } from '../../src/webhooks/types';

describe("a ticket system's date-time, as the intake wants it", () => {
  it.each([
    ['2026-11-02T15:00:00Z', '2026-11-02T15:00:00Z'],
    ['2013-12-12T05:35Z', '2013-12-12T05:35:00Z'],
    ['2026-11-02T10:00:00.000-0500', '2026-11-02T15:00:00Z'],
    ['2026-11-02T10:00:00.123456789-05:00', '2026-11-02T15:00:00Z'],
    ['2026-11-02T17:30:00+0230', '2026-11-02T15:00:00Z'],
    ['2026-11-02T17:00:00+02', '2026-11-02T15:00:00Z'],
    ['2026-11-02 15:00:00 z', '2026-11-02T15:00:00Z'],
    ['  2026-11-02T15:00:59Z  ', '2026-11-02T15:00:59Z'],
    ['2026-11-02T23:59:59Z', '2026-11-02T23:59:59Z'],
    ['2026-02-28T23:30:00-01:00', '2026-03-01T00:30:00Z'],
  ])('reads %j as %s', (text, iso) => {
    expect(isoSeconds(text)).toBe(iso);
  });

  it.each([
    ['an hour 24', '2026-11-02T24:00:00Z'],
    ['a minute 60', '2026-11-02T15:60:00Z'],
    ['a second 60', '2026-11-02T15:00:60Z'],
    ['a day February has not', '2026-02-31T10:00:00Z'],
    ['no zone', '2026-11-02T15:00:00'],
    ['a date alone', '2026-11-02'],
    ['text around it', 'on 2026-11-02T15:00:00Z'],
    ['text after it', '2026-11-02T15:00:00Z please'],
    ['more than 64 characters', `2026-11-02T15:00:00Z${' '.repeat(45)}`],
    ['no text', 20261102],
  ])('refuses %s', (_what, value) => {
    expect(isoSeconds(value)).toBeUndefined();
  });

  it('takes 64 characters with blank space around the date-time', () => {
    expect(isoSeconds(`2026-11-02T15:00:00Z${' '.repeat(44)}`)).toBe('2026-11-02T15:00:00Z');
  });
});

describe('which tickets are about PrivateLink', () => {
  it.each(['PrivateLink support for Acme', 'Private Link for Acme', 'private-link please', 'PRIVATELINK'])(
    'takes %j',
    (subject) => {
      expect(mentionsPrivateLink(subject)).toBe(true);
    },
  );

  it.each(['Private  Link', 'Private_Link', 'Password reset', 'Private xLink', undefined, 7, ['PrivateLink']])(
    'ignores %j',
    (subject) => {
      expect(mentionsPrivateLink(subject)).toBe(false);
    },
  );
});

describe('a value in a problem message', () => {
  it('is JSON, cut at 80 characters, and says nothing for undefined', () => {
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue('x')).toBe('"x"');
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue('x'.repeat(78))).toBe(`"${'x'.repeat(78)}"`);
    expect(describeValue('x'.repeat(79))).toBe(`"${'x'.repeat(76)}...`);
    expect(describeValue(() => 1)).toBe('function');
    expect(describeValue(1n)).toBe('bigint');
  });
});
