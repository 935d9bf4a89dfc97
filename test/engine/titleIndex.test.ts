import { addCodeRow, newCodeTable, TitleIndexBuilder, type TitleIndex } from '../../src/engine/build/buildTitleIndex';
import { ByteTable, hashBytes } from '../../src/engine/scan/byteTable';
import { FieldCursor, scanRecords } from '../../src/engine/scan/scanRecords';

/**
 * Titles whose related titles reach the same codes the same number of times share one path list
 * (their answers are the same in every state); the order in which the codes were met, and the
 * related titles that led there, do not matter.
 */
describe('TitleIndexBuilder: shared path lists', () => {
  function build(related: string, countEachCodeOnce = false): { index: TitleIndex; list: (title: string) => number; paths: (title: string) => string } {
    const codes = newCodeTable();
    for (const [code, title] of [['11-1011', 'Chief'], ['11-1011', 'Boss'], ['15-2041', 'Statistician'], ['29-1141', 'Nurse'], ['29-1141', 'RN']]) addCodeRow(codes, code, title, false);
    const builder = new TitleIndexBuilder(codes, { threshold: 80, includeSelf: false, countEachCodeOnce, caseInsensitive: false });
    const buf = Buffer.from(related, 'utf8');
    scanRecords(buf, { dialect: { delimiter: 0x2c, quote: 0x22 }, from: 0, to: buf.length, final: true }, new FieldCursor(), (cur) => builder.addRow(cur, [0, 1, 2], 'related.csv', 'score'));
    const index = builder.build();
    const table = new ByteTable(index.titleTable);
    const list = (title: string) => {
      const key = Buffer.from(title, 'utf8');
      return table.find(key, 0, key.length, hashBytes(key, 0, key.length, false), false);
    };
    const paths = (title: string) => {
      const l = list(title);
      const out: string[] = [];
      for (let p = index.pathStart[l]; p < index.pathStart[l + 1]; p++) out.push(`${codes.codes[index.pathCode[p]]}x${index.pathMult[p]}`);
      return out.join(' ');
    };
    return { index, list, paths };
  }

  const related = [
    'Analyst,Statistician,90', 'Analyst,Nurse,85', // codes met as 15-2041, 29-1141
    'Scientist,RN,99', 'Scientist,Statistician,81', // the same codes met the other way round
    'Manager,Chief,95', 'Manager,Boss,90', // 11-1011 by two paths
    'Director,Chief,95', // 11-1011 by one path
    'Lead,Boss,91', 'Lead,Chief,92', // as Manager
    'Clerk,Unknown,99', 'Typist,Nobody,95', // related rows but no code: the empty list
    'Low,Chief,80', // not above the threshold
  ].join('\n') + '\n';

  test('same codes and path counts: one list, whatever the order or the related titles', () => {
    const { index, list, paths } = build(related);
    expect(index.titleTable.count[0]).toBe(7); // every title above the threshold is still a key
    expect(list('Analyst')).toBe(list('Scientist'));
    expect(paths('Analyst')).toBe('15-2041x1 29-1141x1');
    expect(list('Manager')).toBe(list('Lead'));
    expect(paths('Manager')).toBe('11-1011x2');
    expect(list('Director')).not.toBe(list('Manager'));
    expect(paths('Director')).toBe('11-1011x1');
    expect(list('Clerk')).toBe(list('Typist'));
    expect(paths('Clerk')).toBe('');
    expect(list('Low')).toBe(-1);
    expect(index.pathStart.length - 1).toBe(4); // lists: two codes, 11-1011 ×2, 11-1011 ×1, none
  });

  test('counting each code once, Manager and Director share a list too', () => {
    const { index, list, paths } = build(related, true);
    expect(list('Manager')).toBe(list('Director'));
    expect(paths('Manager')).toBe('11-1011x1');
    expect(index.pathStart.length - 1).toBe(3);
  });
});
