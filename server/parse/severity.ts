// Severity inference (DESIGN 2): Heroku sends every app line as local7.info (`<190>`) and router
// lines as info even when they say `at=error`, so the message decides when it says more.
// Order: logfmt at=/level=/severity=; JSON "level"/"severity"; Heroku error codes; a leading
// uppercase level word. Case matters for the last one so `sql_error_code` or "no errors" stay put.

import { parseLogfmt } from '../../shared/logfmt.ts';

// Severity codes, RFC 5424 §6.2.1 table 2.
const EMERGENCY = 0;
const ALERT = 1;
const CRITICAL = 2;
const ERROR = 3;
const WARNING = 4;
const NOTICE = 5;
const INFO = 6;
const DEBUG = 7;

/** Level names as logfmt/JSON loggers write them; looked up lower-cased. */
const LEVEL_NAMES: Record<string, number> = {
  emerg: EMERGENCY, emergency: EMERGENCY,
  alert: ALERT,
  fatal: CRITICAL, critical: CRITICAL, crit: CRITICAL, panic: CRITICAL,
  error: ERROR, err: ERROR,
  warn: WARNING, warning: WARNING,
  notice: NOTICE,
  info: INFO, information: INFO, informational: INFO,
  debug: DEBUG, trace: DEBUG,
};

/** Uppercase words as logging libraries print them (DESIGN 2); exact case only. */
const LEVEL_WORDS: Record<string, number> = {
  FATAL: CRITICAL, CRITICAL: CRITICAL, PANIC: CRITICAL,
  ERROR: ERROR,
  WARN: WARNING, WARNING: WARNING,
  NOTICE: NOTICE,
  INFO: INFO,
  DEBUG: DEBUG, TRACE: DEBUG,
};

const LOGFMT_LEVEL_KEYS = ['at', 'level', 'severity'] as const;
// The logfmt keys inference reads: parsing only these skips building every line's full field set.
const INFERENCE_KEYS: ReadonlySet<string> = new Set([...LOGFMT_LEVEL_KEYS, 'code']);
const JSON_LEVEL_KEYS = ['"level"', '"severity"'] as const;

// pino/bunyan numeric levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
const PINO_LEVELS: Record<string, number> = { '10': DEBUG, '20': DEBUG, '30': INFO, '40': WARNING, '50': ERROR, '60': CRITICAL };

// Where a JSON level key is looked for: loggers put it near the top; a cap keeps huge lines cheap.
const JSON_SCAN_CHARS = 4096;

// Heroku error codes (devcenter.heroku.com/articles/error-codes): H* router and R* runtime errors
// are errors; L* are Logplex drops (`Error L10 (output buffer overflow)`), a warning.
const HEROKU_CODE = /^([HRL])\d{1,3}$/;
const HEROKU_ERROR_LINE = /^\s*Error ([HRL])\d{1,3}\b/;

// A leading timestamp in the forms loggers print (anchored, bounded: never scans the message):
// `2020-05-30 16:24:40,438`, ISO 8601 with optional zone, either optionally in brackets;
// Apache's `[30/May/2020:16:24:40 +0000]`; Ruby Logger's `E, [2020-05-30T16:24:40.438 #12]`.
const LEADING_TIMESTAMP =
  /^\s*(?:\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?: ?(?:Z|[+-]\d{2}:?\d{2}))?\]?|\[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?\]|[DIWEFAU], \[[^\]\n]{1,64}\])\s*/;
// gunicorn prints `[2020-05-30 16:24:40 +0000] [9] [INFO] …`: one `[pid]` may sit before the level.
const PID_GROUP = /^\[\d{1,10}\]\s*/;
const LEVEL_WORD = /^\[?([A-Z]{4,8})(?![A-Za-z0-9_=])/;

/**
 * The logfmt pairs inference reads. A key is matched exactly, so a message without any of the
 * texts `at=`, `level=`, `severity=`, `code=` has none of them: four substring searches instead
 * of a pass over every pair (half of Heroku's lines, most app lines).
 */
function inferencePairs(message: string): Record<string, string> {
  for (const needle of INFERENCE_NEEDLES) if (message.includes(needle)) return parseLogfmt(message, INFERENCE_KEYS);
  return {};
}
const INFERENCE_NEEDLES = [...INFERENCE_KEYS].map((key) => `${key}=`);

/**
 * The severity code (0..7) that the message itself states, or undefined when it states none.
 * `pairs` are the message's logfmt pairs when the caller has them already.
 */
export function inferSeverity(message: string, pairs: Record<string, string> = inferencePairs(message)): number | undefined {
  for (const key of LOGFMT_LEVEL_KEYS) {
    const v = Object.hasOwn(pairs, key) ? LEVEL_NAMES[pairs[key]!.toLowerCase()] : undefined;
    if (v !== undefined) return v;
  }
  const json = jsonLevel(message);
  if (json !== undefined) return json;
  const heroku = herokuCodeSeverity(message, pairs);
  if (heroku !== undefined) return heroku;
  return levelWord(message);
}

function codeSeverity(letter: string): number {
  return letter === 'L' ? WARNING : ERROR;
}

function herokuCodeSeverity(message: string, pairs: Record<string, string>): number | undefined {
  const code = Object.hasOwn(pairs, 'code') ? HEROKU_CODE.exec(pairs.code!) : null;
  if (code) return codeSeverity(code[1]!);
  const line = HEROKU_ERROR_LINE.exec(message.slice(0, 32));
  return line ? codeSeverity(line[1]!) : undefined;
}

/** `"level":"error"` or pino's `"level":50` in a message that looks like a JSON object. */
function jsonLevel(message: string): number | undefined {
  let i = 0;
  while (i < message.length && (message.charCodeAt(i) === 0x20 || message.charCodeAt(i) === 0x09)) i++;
  if (message.charCodeAt(i) !== 0x7b /* { */) return undefined;
  const head = message.slice(i, i + JSON_SCAN_CHARS);
  for (const key of JSON_LEVEL_KEYS) {
    let at = head.indexOf(key);
    while (at >= 0) {
      const v = jsonValueAfterKey(head, at + key.length);
      if (v !== undefined) {
        const code = LEVEL_NAMES[v.toLowerCase()] ?? PINO_LEVELS[v];
        if (code !== undefined) return code;
      }
      at = head.indexOf(key, at + key.length);
    }
  }
  return undefined;
}

/** The string or integer after `: ` at `i`, or undefined when `i` is not followed by one. */
function jsonValueAfterKey(s: string, i: number): string | undefined {
  while (s.charCodeAt(i) === 0x20) i++;
  if (s.charCodeAt(i) !== 0x3a /* : */) return undefined;
  i++;
  while (s.charCodeAt(i) === 0x20) i++;
  if (s.charCodeAt(i) === 0x22) {
    const end = s.indexOf('"', i + 1);
    return end < 0 || end - i > 16 ? undefined : s.slice(i + 1, end);
  }
  let j = i;
  while (j < s.length && j - i < 3 && s.charCodeAt(j) >= 0x30 && s.charCodeAt(j) <= 0x39) j++;
  return j > i ? s.slice(i, j) : undefined;
}

/** DEBUG/INFO/…/FATAL at the start, bracketed or followed by ':', or after a leading timestamp. */
function levelWord(message: string): number | undefined {
  let head = message.slice(0, 128);
  const ts = LEADING_TIMESTAMP.exec(head);
  if (ts) {
    head = head.slice(ts[0].length);
    const pid = PID_GROUP.exec(head);
    if (pid) head = head.slice(pid[0].length);
  } else {
    head = head.trimStart();
  }
  const word = LEVEL_WORD.exec(head);
  return word && Object.hasOwn(LEVEL_WORDS, word[1]!) ? LEVEL_WORDS[word[1]!] : undefined;
}
