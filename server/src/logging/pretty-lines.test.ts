import { describe, expect, it } from 'vitest';
import { resolveLogFormat } from './logger.js';
import { prettyLogLine } from './pretty-lines.js';

describe('log format', () => {
  it('auto is pretty on a terminal and JSON otherwise; json and pretty are forced', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });

  it('turns a pino line into time, level, context, message and fields, an error stack below', () => {
    const time = Date.UTC(2026, 11, 6, 12, 3, 4, 567);
    const line = JSON.stringify({
      level: 50,
      time,
      pid: 1,
      hostname: 'h',
      service: 'minimeet',
      context: 'db',
      err: { type: 'Error', message: 'gone away', stack: 'Error: gone away\n    at x' },
      roomId: 7,
      note: 'two words',
      msg: 'query failed',
    });
    expect(prettyLogLine(line)).toBe(
      '12:03:04.567 ERROR [db] query failed err="gone away" roomId=7 note="two words"\n' +
        '    Error: gone away\n        at x\n',
    );
    expect(prettyLogLine(line, true)).toContain('\x1b[31mERROR\x1b[0m');
    expect(prettyLogLine('not json')).toBe('not json\n');
  });
});
