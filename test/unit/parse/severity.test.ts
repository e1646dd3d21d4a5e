import { describe, expect, it } from 'vitest';
import { inferSeverity } from '../../../server/parse/severity.ts';

const [EMERGENCY, ALERT, CRITICAL, ERROR, WARNING, NOTICE, INFO, DEBUG] = [0, 1, 2, 3, 4, 5, 6, 7];
const f = (message: string, want: number | undefined) => expect(inferSeverity(message), message).toBe(want);

describe('inferSeverity', () => {
  it('reads logfmt at= / level= / severity=, in that order, any case', () => {
    f('at=error code=H12 desc="Request timeout" status=503', ERROR);
    f('at=info method=GET path="/" status=200', INFO);
    f('level=warn msg="disk almost full"', WARNING);
    f('time=2020-05-30T16:24:40Z level=ERROR msg=boom', ERROR);
    f('severity=crit x=1', CRITICAL);
    f('level=debug at=error', ERROR);
    f('level=trace', DEBUG);
    f('level=emerg', EMERGENCY);
    f('level=alert', ALERT);
    f('level=notice', NOTICE);
    f('level=fatal', CRITICAL);
    f('level=panic', CRITICAL);
    f('level=err', ERROR);
    f('level=WARNING', WARNING);
    f('at=start level=info', INFO); // an unknown value does not stop the search
    f('level=verbose', undefined);
  });

  it('reads "level"/"severity" from JSON messages', () => {
    f('{"level":"error","msg":"boom"}', ERROR);
    f('{"time":"2020-05-30","severity":"WARNING","message":"x"}', WARNING);
    f('  { "msg": "x", "level" : "info" }', INFO);
    f('{"level":50,"msg":"pino error"}', ERROR);
    f('{"level":30,"msg":"pino info"}', INFO);
    f('{"level":"bogus"}', undefined);
    f('the "level":"error" is not JSON', undefined);
  });

  it('reads Heroku error codes', () => {
    f('code=H12 desc="Request timeout"', ERROR);
    f('Error R14 (Memory quota exceeded)', ERROR);
    f('Error R10 (Boot timeout) -> Web process failed to bind to $PORT', ERROR);
    f('Error L10 (output buffer overflow): 500 messages dropped since 2026-05-30T16:24:40+00:00.', WARNING);
    f('code=L11', WARNING);
    f('code=200', undefined);
  });

  it('reads uppercase level words at the start', () => {
    f('ERROR something broke', ERROR);
    f('[ERROR] something broke', ERROR);
    f('ERROR: something broke', ERROR);
    f('ERROR:root:boom', ERROR); // Python logging basicConfig
    f('WARN low disk', WARNING);
    f('WARNING: low disk', WARNING);
    f('[WARNING] low disk', WARNING);
    f('NOTICE x', NOTICE);
    f('INFO x', INFO);
    f('DEBUG x', DEBUG);
    f('CRITICAL x', CRITICAL);
    f('FATAL x', CRITICAL);
    f('PANIC x', CRITICAL);
    f('  ERROR leading spaces', ERROR);
  });

  it('reads level words after a leading timestamp', () => {
    f('2020-05-30 16:24:40,438 ERROR app: boom', ERROR); // Python logging
    f('2020-05-30 16:24:40.438 WARN  [main] c.e.App - x', WARNING); // logback
    f('2020-05-30T16:24:40.438Z INFO started', INFO);
    f('2020-05-30T16:24:40+02:00 DEBUG x', DEBUG);
    f('[30/May/2020:16:24:40 +0000] ERROR x', ERROR);
    f('[2020-05-30 16:24:40 +0000] [9] [INFO] Starting gunicorn 20.0.4', INFO);
    f('[2020-05-30 16:24:40,438] ERROR in app: boom', ERROR); // Flask
    f('E, [2020-05-30T16:24:40.438123 #1234] ERROR -- : boom', ERROR); // Ruby Logger
    f('I, [2020-05-30T16:24:40.438123 #1234]  INFO -- : hi', INFO);
  });

  it('is case-sensitive for level words so ordinary text is not a level', () => {
    f('sql_error_code=28000 FATAL: password authentication failed', undefined);
    f('no errors found', undefined);
    f('error: lower case is prose', undefined);
    f('Error while reading', undefined);
    f('ERRORS everywhere', undefined);
    f('INFORMATION follows', undefined);
    f('ERROR_CODE=5', undefined);
    f('Started GET "/" for 1.2.3.4 ERROR', undefined);
    f('2020-05-30 16:24:40,438 - app - ERROR - late', undefined);
    f('', undefined);
  });

  it('uses the pairs it is given', () => {
    expect(inferSeverity('anything', { level: 'error' })).toBe(ERROR);
  });
});
