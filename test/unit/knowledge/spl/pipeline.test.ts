import type { FieldValue } from './eval-expression';
import { runPipeline, splitCommands, SplPipelineError, type PipelineInput } from './pipeline';

const now = Date.UTC(2026, 4, 2, 12, 7, 30) / 1000;

function event(
  fields: Record<string, FieldValue>,
  ago = 60,
  indexedAgo = ago,
): Map<string, FieldValue> {
  return new Map<string, FieldValue>([
    ['_time', String(now - ago)],
    ['_indextime', String(now - indexedAgo)],
    ['index', 'main'],
    ...Object.entries(fields),
  ]);
}

function input(
  events: Map<string, FieldValue>[],
  extra: Partial<PipelineInput> = {},
): PipelineInput {
  return { events, lookups: new Map(), now, earliest: '-1d', latest: 'now', ...extra };
}

describe('the SPL pipeline evaluator', () => {
  it('splits at top-level pipes only', () => {
    expect(splitCommands('a="x|y" | eval b="|" | stats count')).toEqual([
      'a="x|y"',
      'eval b="|"',
      'stats count',
    ]);
  });

  it('applies the dispatch window to _time and _index_earliest/_index_latest to _indextime', () => {
    const late = event({ user: 'late' }, 3 * 3600, 5 * 60);
    const old = event({ user: 'old' }, 20 * 60);
    const outside = event({ user: 'outside' }, 2 * 86400);
    const rows = runPipeline(
      'index=main _index_earliest=-15m@m _index_latest=@m | table user',
      input([late, old, outside]),
    );
    expect(rows.map((row) => row.get('user'))).toEqual(['late']);
    expect(
      runPipeline('index=main earliest=-3d | table user', input([late, old, outside])).length,
    ).toBe(3);
  });

  it('stats drops events without a BY field, sorts groups, and computes its functions', () => {
    const rows = runPipeline(
      'index=main | stats count dc(src) AS ips values(src) AS src sum(n) AS total min(n) AS low max(n) AS high count(eval(n > 1)) AS big BY user',
      input([
        event({ user: 'b', src: '2.2.2.2', n: '1' }),
        event({ user: 'a', src: ['1.1.1.1', '3.3.3.3'], n: '10' }),
        event({ user: 'a', src: '1.1.1.1', n: '9' }),
        event({ src: '4.4.4.4', n: '5' }),
      ]),
    );
    expect(rows.map((row) => Object.fromEntries(row))).toEqual([
      {
        user: 'a',
        count: '2',
        ips: '2',
        src: ['1.1.1.1', '3.3.3.3'],
        total: '19',
        low: '9',
        high: '10',
        big: '2',
      },
      {
        user: 'b',
        count: '1',
        ips: '1',
        src: '2.2.2.2',
        total: '1',
        low: '1',
        high: '1',
        big: '0',
      },
    ]);
  });

  it('eventstats adds group results to every event; eval runs left to right', () => {
    const rows = runPipeline(
      'index=main | eval double=n * 2, quadruple=double * 2 | eventstats sum(n) AS total BY user | table user quadruple total',
      input([
        event({ user: 'a', n: '1' }),
        event({ user: 'a', n: '2' }),
        event({ user: 'b', n: '5' }),
      ]),
    );
    expect(rows.map((row) => [row.get('quadruple'), row.get('total')])).toEqual([
      ['4', '3'],
      ['8', '3'],
      ['20', '5'],
    ]);
  });

  it('lookup OUTPUT clears fields of unmatched events, OUTPUTNEW keeps existing ones', () => {
    const lookups = new Map([
      ['colours', { columns: ['key', 'colour'], rows: [['A', 'red']], caseSensitive: false }],
    ]);
    const events = [event({ k: 'a', colour: 'old' }), event({ k: 'z', colour: 'old' })];
    const output = runPipeline(
      'index=main | lookup colours key AS k OUTPUT colour',
      input(events, { lookups }),
    );
    expect(output.map((row) => row.get('colour'))).toEqual(['red', undefined]);
    const outputNew = runPipeline(
      'index=main | lookup colours key AS k OUTPUTNEW colour',
      input(events, { lookups }),
    );
    expect(outputNew.map((row) => row.get('colour'))).toEqual(['old', 'old']);
  });

  it('where keeps only rows whose expression is true, and rejects a non-boolean', () => {
    const events = [event({ n: '1' }), event({ n: '7' })];
    expect(runPipeline('index=main | where n > 5', input(events))).toHaveLength(1);
    expect(() => runPipeline('index=main | where n', input(events))).toThrow(SplPipelineError);
  });

  it('tstats filters on indexed fields only', () => {
    const events = [event({ sourcetype: 'a:b' }), event({ sourcetype: 'a:c' }, 7200)];
    const rows = runPipeline(
      '| tstats max(_time) AS last WHERE index=main sourcetype="a:*" BY sourcetype',
      input(events),
    );
    expect(rows.map((row) => [row.get('sourcetype'), row.get('last')])).toEqual([
      ['a:b', String(now - 60)],
      ['a:c', String(now - 7200)],
    ]);
    expect(() => runPipeline('| tstats count WHERE index=main user=x', input(events))).toThrow(
      /indexed fields/,
    );
  });

  it('sorts, dedups, renames and converts times', () => {
    const rows = runPipeline(
      'index=main | dedup user | sort - n | rename user AS who | convert ctime(_time) | table who n _time',
      input([
        event({ user: 'a', n: '1' }),
        event({ user: 'a', n: '3' }),
        event({ user: 'b', n: '2' }),
      ]),
    );
    expect(rows.map((row) => [row.get('who'), row.get('n')])).toEqual([
      ['b', '2'],
      ['a', '1'],
    ]);
    expect(rows[0]?.get('_time')).toBe('05/02/2026 12:06:30');
  });
});
