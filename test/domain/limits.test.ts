import { bytesText, quoted, truncateUtf8, utf8Length } from '../../src/domain/limits';

const encoded = (value: string) => Buffer.byteLength(value, 'utf8');

describe('sizes in UTF-8 bytes, as Temporal counts them', () => {
  it.each([
    ['', 0],
    ['a', 1],
    ['\u007f', 1],
    ['\u0080', 2],
    ['é', 2],
    ['\u07ff', 2],
    ['\u0800', 3],
    ['€', 3],
    ['\uffff', 3],
    ['😀', 4],
    ['a😀é€', 10],
    // The first and last characters past U+FFFF, and surrogate pairs at the edges of each half's range.
    ['\u{10000}', 4],
    ['\u{10ffff}', 4],
    ['\ud800\udfff', 4],
    ['\udbff\udc00', 4],
  ])('counts %j as %i bytes, as an encoder writes it', (value, bytes) => {
    expect(utf8Length(value)).toBe(bytes);
    expect(utf8Length(value)).toBe(encoded(value));
  });

  it.each([
    ['a lone high surrogate at the end', 'ab\ud83d'],
    ['a lone high surrogate before a letter', '\ud83dx'],
    ['a lone high surrogate before another high one', '\ud83d\ud83d'],
    ['a lone low surrogate', '\ude00x'],
    ['a low surrogate after a three-byte character', '€\udc00'],
    ['two low surrogates', '\udc00\udc00'],
    ['a high surrogate before a character just past the low ones', '\ud800\ue000'],
  ])('counts %s as the 3 bytes of U+FFFD', (_what, value) => {
    expect(utf8Length(value)).toBe(encoded(value));
  });
});

describe('cutting a value to a number of bytes', () => {
  it('leaves a value that fits as it is, up to the last byte', () => {
    expect(truncateUtf8('abcdef', 6)).toBe('abcdef');
    expect(truncateUtf8('ééé', 6)).toBe('ééé');
  });

  it('cuts a longer one to the most whole characters that fit with the ellipsis', () => {
    expect(truncateUtf8('abcdefg', 6)).toBe('abc…');
    expect(utf8Length(truncateUtf8('abcdefg', 6))).toBe(6);
    expect(truncateUtf8('abcdefgh', 7)).toBe('abcd…');
    // Two-byte characters: 2 + 2 = 4 bytes and the ellipsis's 3 fit in 7, a third would not.
    expect(truncateUtf8('éééé', 7)).toBe('éé…');
  });

  it('never splits a character, an emoji included', () => {
    expect(truncateUtf8('😀😀😀', 9)).toBe('😀…');
    expect(truncateUtf8('😀😀😀', 10)).toBe('😀…');
    expect(truncateUtf8('😀😀😀', 11)).toBe('😀😀…');
    for (let max = 3; max < 20; max++) {
      const cut = truncateUtf8('a😀é€b😀', max);
      expect(utf8Length(cut)).toBeLessThanOrEqual(max);
      expect(cut).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
    }
  });

  it('keeps only the ellipsis when not even one character fits', () => {
    expect(truncateUtf8('😀😀', 5)).toBe('…');
  });
});

describe('quoting what was sent in a refusal', () => {
  it('quotes as JSON: strings in quotes, numbers and objects as written', () => {
    expect(quoted('x')).toBe('"x"');
    expect(quoted(12)).toBe('12');
    expect(quoted({ a: [1] })).toBe('{"a":[1]}');
    expect(quoted(null)).toBe('null');
  });

  it('says undefined and values JSON cannot write as text', () => {
    expect(quoted(undefined)).toBe('undefined');
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(quoted(circular)).toBe('[object Object]');
    expect(quoted(10n)).toBe('10');
  });

  it('cuts at 80 bytes unless told otherwise', () => {
    const long = 'x'.repeat(200);
    expect(quoted(long)).toBe(`"${'x'.repeat(76)}…`);
    expect(utf8Length(quoted(long))).toBe(80);
    expect(quoted(long, 10)).toBe(`"${'x'.repeat(6)}…`);
  });
});

describe('sizes in words', () => {
  it.each([
    [0, '0 bytes'],
    [1, '1 byte'],
    [2, '2 bytes'],
    [999, '999 bytes'],
    [1000, '1,000 bytes'],
    [4096, '4,096 bytes'],
    [65_536, '65,536 bytes'],
    [1_048_576, '1,048,576 bytes'],
  ])('%i is "%s"', (n, words) => {
    expect(bytesText(n)).toBe(words);
  });
});
