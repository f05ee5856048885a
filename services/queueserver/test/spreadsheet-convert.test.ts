/**
 * The built-in spreadsheet converter (spreadsheet/plan-rows.ts, csv.ts): the reference's sample plan
 * list (bluesky-queueserver's `plan_list_sample`) as pandas writes it to CSV, and the refusals,
 * each naming its row.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCsv } from '../src/spreadsheet/csv.ts';
import { rowsToPlans } from '../src/spreadsheet/plan-rows.ts';
import { readSheetRows } from '../src/spreadsheet/sheet.ts';

const convertCsv = async (text: string) => rowsToPlans(await readSheetRows(Buffer.from(text), 'plans.csv'));

// The sample as `df.to_csv(index=False)` writes it: strings quoted in Python, lists printed by
// Python (and quoted by the CSV writer when they hold commas), an empty row for the NaN name.
const SAMPLE_CSV = [
  'plan_name,args,num,delay,detectors',
  `'count',"['det1', 'det2']",10.0,,`,
  `'count',['det1'],,0.5,`,
  `'count',,,0.5,['det1']`,
  ',,,,',
  `'scan',"['det1', 'det2'], 'motor', -1, 1",10.0,,`,
  `'scan',"['det1', 'det2'], 'motor', -1, 1, 10",,,`,
  `'count',['det2'],2.0,0.7,`,
  `'count',['det2'],2.0,,`,
  '',
].join('\r\n');

describe('the built-in spreadsheet converter', () => {
  it("reads the reference's sample plan list, skipping the empty row", async () => {
    assert.deepEqual(await convertCsv(SAMPLE_CSV), [
      { name: 'count', item_type: 'plan', args: [['det1', 'det2']], kwargs: { num: 10 } },
      { name: 'count', item_type: 'plan', args: [['det1']], kwargs: { delay: 0.5 } },
      { name: 'count', item_type: 'plan', kwargs: { delay: 0.5, detectors: ['det1'] } },
      { name: 'scan', item_type: 'plan', args: [['det1', 'det2'], 'motor', -1, 1], kwargs: { num: 10 } },
      { name: 'scan', item_type: 'plan', args: [['det1', 'det2'], 'motor', -1, 1, 10] },
      { name: 'count', item_type: 'plan', args: [['det2']], kwargs: { num: 2, delay: 0.7 } },
      { name: 'count', item_type: 'plan', args: [['det2']], kwargs: { num: 2 } },
    ]);
  });

  it('reads every kind of literal a cell may hold, and unquoted plan names', async () => {
    const plans = await convertCsv(
      [
        'name,args,extra',
        'count,,50',
        "count,,'some_str'",
        'count,,50.256',
        'count,,None',
        "count,,''",
        'count,,"[10, 20, 30]"',
        `count,,"{'p1': 10, 'p2': '10', 'd': {'e': [50, 60]}}"`,
        'count,,"10.3, 20"',
        'count,,True',
      ].join('\n'),
    );
    assert.deepEqual(
      plans.map((p) => p.kwargs?.extra),
      [
        50,
        'some_str',
        50.256,
        null,
        '',
        [10, 20, 30],
        { p1: 10, p2: '10', d: { e: [50, 60] } },
        [10.3, 20],
        true,
      ],
    );
    assert.ok(plans.every((p) => p.name === 'count' && p.args === undefined));
  });

  it('names the row (counted under the header) and the column of a cell it cannot read', async () => {
    const header = 'plan_name,args,num';
    const good = `'count',['det1'],1`;
    const refusal = async (row: string) => {
      try {
        await convertCsv([header, good, good, row].join('\n'));
      } catch (error) {
        return (error as Error).message;
      }
      assert.fail(`${row} was accepted`);
    };
    assert.match(await refusal(`'count',det1,1`), /row 3 \(.*\), column 'args': name 'det1' is not defined/);
    assert.match(await refusal(`'count',['det1'],fast`), /row 3 .*column 'num': name 'fast' is not defined/);
    assert.match(await refusal(`'count',['det1'],[1`), /row 3 .*column 'num': '\[1' is not a Python literal/);
    assert.match(
      await refusal(`10,['det1'],1`),
      /Plan name 10 \(row 3: .*\) has incorrect type <class 'int'>/,
    );
    assert.match(
      await refusal(`"[10, 20]",,`),
      /Plan name \[10, 20\] \(row 3: .*\) has incorrect type <class 'list'>/,
    );
    assert.match(await refusal(`'co unt',,`), /Plan name 'co unt' \(row 3: .*\) is not a valid plan name/);
    assert.match(await refusal(`'10',,`), /Plan name '10' \(row 3: .*\) is not a valid plan name/);
  });

  it('refuses columns it cannot name: duplicate keyword names, values under no header, no header', async () => {
    await assert.rejects(
      convertCsv('name,args,num,NUM\ncount,,1,2\n'),
      /kwarg names are identical .*'num', 'NUM'/,
    );
    await assert.rejects(
      convertCsv('name,args,num\ncount,,1\ncount,,1,2\n'),
      /Row 2 .* has a value in column 4, which has no name/,
    );
    await assert.rejects(convertCsv('\n\ncount\n'), /has no header/);
    // An unnamed column that is empty everywhere is no keyword argument at all.
    assert.deepEqual(await convertCsv('name,args,,num\ncount,,,1\n'), [
      { name: 'count', item_type: 'plan', kwargs: { num: 1 } },
    ]);
  });

  it('takes only .xlsx and .csv by the file name', async () => {
    await assert.rejects(
      readSheetRows(Buffer.from('x'), 'plans.txt'),
      /File 'plans.txt' \(extension '.txt'\) is not supported: supported extensions '.xlsx', '.csv'/,
    );
    await assert.rejects(
      readSheetRows(Buffer.from('x'), 'plans.xls'),
      /Excel 97-2003 .* save it as .xlsx or .csv/,
    );
    await assert.rejects(
      readSheetRows(Buffer.from('not a zip'), 'plans.xlsx'),
      /'plans.xlsx' could not be read as an Excel workbook/,
    );
    await assert.rejects(readSheetRows(Buffer.from([0xff, 0xfe, 0x41]), 'plans.csv'), /not UTF-8 text/);
  });

  it('parses CSV as RFC 4180 writes it', () => {
    assert.deepEqual(parseCsv('\ufeffa,"b,c","d ""e"""\r\n,,""\n\nlast'), [
      ['\ufeffa', 'b,c', 'd "e"'],
      [null, null, ''],
      [],
      ['last'],
    ]);
    assert.throws(() => parseCsv('a,"b\n'), /ends inside a quoted field/);
  });
});
