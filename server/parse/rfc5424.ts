// RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG]`, '-' being
// the NILVALUE of every header field. Heroku's logplex frames leave STRUCTURED-DATA out entirely
// (`… host app web.1 - Started GET "/"`), so in Heroku mode the MSG follows MSGID directly.
// Heroku mode is for drain traffic and drain-token HOSTNAMEs only (DESIGN 2-3): over a syslog
// socket, `host` is just a host name.

import type { ParsedLine } from './types.ts';
import { parsePri, readIsoTimestamp } from './rfc3164.ts';

export interface Rfc5424Options {
  /** true: Heroku frame (no SD; program APP-NAME/PROCID). false: never. Unset: detect (DESIGN 2). */
  heroku?: boolean;
  /** The line came through an HTTPS drain: detection also takes Heroku's `host app|heroku` header. */
  viaDrain?: boolean;
  /** Zone for a TIMESTAMP sent without offset (invalid per §6.2.3, but sent); default UTC. */
  timeZone?: string;
}

const NIL = '-';
const BOM = '\uFEFF'; // RFC 5424 §6.4: MSG may start with a UTF-8 BOM; it is not part of the text
// Heroku syslog drains put the drain token in HOSTNAME: `d.` + a UUID.
export const DRAIN_TOKEN = /^d\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DRAIN_TOKEN_LENGTH = 38;
let lastDrainToken: string | undefined; // never '': a NILVALUE HOSTNAME reads as ''

/**
 * DRAIN_TOKEN.test(hostname), remembering the last token it matched: a drain's lines all carry the
 * same one, and the expression cost ~0.2 µs a line, tested twice a line (here and when attributing).
 */
export function isDrainToken(hostname: string): boolean {
  if (hostname === lastDrainToken) return true;
  if (hostname.length !== DRAIN_TOKEN_LENGTH || !DRAIN_TOKEN.test(hostname)) return false;
  lastDrainToken = hostname;
  return true;
}

/**
 * Heroku frames (DESIGN 2-3): a drain token in HOSTNAME; through an HTTPS drain also HOSTNAME
 * `host` with APP-NAME `app`/`heroku`. A syslog sender whose host is called `host` is not Heroku.
 */
export function isHerokuHeader(hostname: string, appName: string, viaDrain = false): boolean {
  return isDrainToken(hostname) || (viaDrain && hostname === 'host' && (appName === 'app' || appName === 'heroku'));
}

/**
 * Parses one RFC 5424 line. A line whose header does not follow §6 comes back raw with the flag
 * `unparsed` (facility/severity from its PRI when that is valid); so does one cut short after the
 * MSGID, with what its header said. STRUCTURED-DATA that cannot be read (`[DATABASE] …` from an
 * unrecognised Heroku sender) is kept as message text.
 */
export function parseRfc5424(line: string, opts: Rfc5424Options = {}): ParsedLine {
  const pri = parsePri(line);
  const out: ParsedLine = {
    facility: pri ? pri.facility : 1, severity: pri ? pri.severity : 5,
    generatedAt: null, hostname: '', program: '', message: line, fields: {}, flags: [],
  };
  // §6.2.2 VERSION "1", then six space-separated header fields.
  if (!pri || line.charCodeAt(pri.end) !== 0x31 || line.charCodeAt(pri.end + 1) !== 0x20) {
    out.flags.push('unparsed');
    return out;
  }
  const header: string[] = [];
  let pos = pri.end + 2;
  for (let k = 0; k < 5; k++) {
    const sp = line.indexOf(' ', pos);
    if (sp < 0) {
      if (k < 4) {
        out.flags.push('unparsed');
        return out;
      }
      header.push(line.slice(pos));
      pos = line.length;
      break;
    }
    header.push(line.slice(pos, sp));
    pos = sp + 1;
  }
  const [timestamp, hostname, appName, procid, msgid] = header as [string, string, string, string, string];
  if (timestamp !== NIL) {
    const ts = readIsoTimestamp(timestamp, 0, opts.timeZone ?? 'UTC');
    out.generatedAt = ts && ts.end === timestamp.length ? ts.ms : null;
  }
  out.hostname = hostname === NIL ? '' : hostname;
  const app = appName === NIL ? '' : appName;
  const heroku = opts.heroku ?? isHerokuHeader(out.hostname, app, opts.viaDrain);
  if (heroku) {
    out.program = procid === NIL || procid === '' ? app : `${app}/${procid}`;
  } else {
    out.program = app;
    if (procid !== NIL && procid !== '') out.fields.procid = procid;
  }
  if (msgid !== NIL && msgid !== '') out.fields.msgid = msgid;
  // §6: SP STRUCTURED-DATA must follow MSGID (Heroku's frames: SP MSG). A header that ends there
  // was cut short: keep the whole line as the message rather than store an empty one.
  if (pos >= line.length && (!heroku || line.charCodeAt(line.length - 1) !== 0x20)) {
    out.flags.push('unparsed');
    return out;
  }

  let msgStart = pos;
  if (!heroku) {
    if (line.charCodeAt(pos) === 0x2d /* - */ && (pos + 1 === line.length || line.charCodeAt(pos + 1) === 0x20)) {
      msgStart = Math.min(pos + 2, line.length); // NILVALUE structured data
    } else if (line.charCodeAt(pos) === 0x5b /* [ */) {
      const sd = parseStructuredData(line, pos);
      if (sd) {
        // DESIGN 2: `sdid.name` when there are several SD-ELEMENTs, else just `name`.
        for (const [sdid, name, value] of sd.params) setField(out.fields, sd.elements > 1 ? `${sdid}.${name}` : name, value);
        msgStart = sd.end < line.length && line.charCodeAt(sd.end) === 0x20 ? sd.end + 1 : sd.end;
      }
    }
    // Anything else: no STRUCTURED-DATA field (the Heroku form from an unrecognised sender).
  }
  out.message = line.startsWith(BOM, msgStart) ? line.slice(msgStart + 1) : line.slice(msgStart);
  // rsyslog's RSYSLOG_SyslogProtocol23Format forwards an RFC 3164 line's msg with the space that
  // followed `tag:`, so the MSG starts with one space too many: drop exactly that one.
  if (!heroku && out.message.charCodeAt(0) === 0x20 && out.message.charCodeAt(1) !== 0x20) out.message = out.message.slice(1);
  return out;
}

/** Own-property assignment even for names such as `__proto__` (SD names are sender-chosen). */
function setField(fields: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(fields, key, { value, enumerable: true, writable: true, configurable: true });
}

interface StructuredData {
  /** [SD-ID, PARAM-NAME, PARAM-VALUE] in order of appearance. */
  params: [string, string, string][];
  elements: number;
  end: number;
}

/**
 * §6.3 STRUCTURED-DATA = 1*SD-ELEMENT; SD-ELEMENT = "[" SD-ID *(SP SD-PARAM) "]";
 * SD-PARAM = PARAM-NAME "=" %d34 PARAM-VALUE %d34, where '"', '\' and ']' are escaped by '\'
 * (§6.3.3). Returns null when the text at `pos` is not well-formed structured data.
 */
function parseStructuredData(line: string, pos: number): StructuredData | null {
  const params: [string, string, string][] = [];
  let elements = 0;
  let i = pos;
  const n = line.length;
  while (i < n && line.charCodeAt(i) === 0x5b) {
    i++;
    const idStart = i;
    while (i < n && isSdNameChar(line.charCodeAt(i))) i++;
    if (i === idStart) return null;
    const sdid = line.slice(idStart, i);
    for (;;) {
      if (i >= n) return null;
      const c = line.charCodeAt(i);
      if (c === 0x5d /* ] */) {
        i++;
        break;
      }
      if (c !== 0x20) return null;
      while (line.charCodeAt(i) === 0x20) i++; // one SP per §6.3.1; tolerate more
      const nameStart = i;
      while (i < n && isSdNameChar(line.charCodeAt(i))) i++;
      if (i === nameStart || line.charCodeAt(i) !== 0x3d || line.charCodeAt(i + 1) !== 0x22) return null;
      const name = line.slice(nameStart, i);
      i += 2;
      let value = '';
      let chunk = i;
      for (;;) {
        if (i >= n) return null;
        const v = line.charCodeAt(i);
        if (v === 0x22) break;
        if (v === 0x5c /* \ */ && i + 1 < n) {
          const e = line.charCodeAt(i + 1);
          // §6.3.3: only these three are escapes; any other '\' is an ordinary character.
          if (e === 0x22 || e === 0x5c || e === 0x5d) {
            value += line.slice(chunk, i);
            chunk = i + 1;
            i += 2;
            continue;
          }
        }
        i++;
      }
      params.push([sdid, name, value + line.slice(chunk, i)]);
      i++;
    }
    elements++;
  }
  return { params, elements, end: i };
}

// §6.3.2 SD-NAME: printable US-ASCII except '=', SP, ']' and '"'.
function isSdNameChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x3d && c !== 0x5d && c !== 0x22;
}
