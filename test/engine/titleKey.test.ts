import { titleKey, trimText } from '../../src/engine/build/titleKey';

describe('trimText', () => {
  test.each([
    ['Boiler Operator\u00a0', 'Boiler Operator'],
    ['  Chief Executive Officer ', 'Chief Executive Officer'],
    ['\ufeffTitle', 'Title'],
    ['\u2003Em space\u3000', 'Em space'],
    ['\tTabbed\r\n', 'Tabbed'],
    ['Inner  spaces stay', 'Inner  spaces stay'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(trimText(input)).toBe(expected);
  });

  test('equals the plain regex trim on every string of spaces and letters up to length 4', () => {
    const alphabet = ['a', ' ', '\u00a0', '\t', '\u2009', 'é', '\u0085'];
    const regexTrim = (s: string) => s.replace(/^[\s\u00a0\ufeff]+|[\s\u00a0\ufeff]+$/g, '');
    const strings = [''];
    for (let len = 1; len <= 4; len++) for (const s of strings.filter((x) => x.length === len - 1)) for (const c of alphabet) strings.push(s + c);
    for (const s of strings) expect(trimText(s)).toBe(regexTrim(s));
  });
});

test('titleKey lower-cases only when asked', () => {
  expect(titleKey(' Data Analyst ', false)).toBe('Data Analyst');
  expect(titleKey(' Data Analyst ', true)).toBe('data analyst');
});
