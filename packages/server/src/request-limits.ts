import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Limits on request bodies that are decided before (or instead of) reading them, for webhook intake and
 * the REST API alike.
 *
 * Size: a `Content-Length` over the limit is answered 413 from the header alone. Reading on would mean
 * waiting for bytes a hostile client may never send (a declared 999999999 followed by two bytes held the
 * connection for as long as the client liked), so the answer also closes the connection: the unread body
 * can never be taken for the next request on it.
 *
 * Depth: JSON nested deeper than the limit is refused before it is parsed or stored. Such a document
 * parses fine but cannot be written back out (JSON.stringify recurses: ~10,000 levels overflow the stack),
 * so a run record holding it could never be read; nothing legitimate nests that deep.
 */
export function declaredLengthOver(headers: IncomingHttpHeaders, limit: number): boolean {
  const raw = headers['content-length'];
  if (raw === undefined) return false;
  const n = Number(raw);
  return Number.isFinite(n) && n > limit;
}

/** The 413 for a declared length over the limit, with `Connection: close` (see above). */
export function sendDeclaredTooLarge(res: ServerResponse, limit: number): void {
  const text = JSON.stringify({
    error: {
      code: 'PAYLOAD_TOO_LARGE',
      message: `The body (Content-Length) is larger than ${limit} bytes; it was not read. Send at most ${limit} bytes.`,
    },
  });
  res.shouldKeepAlive = false;
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' }).end(text);
}

/**
 * The deepest nesting of `[` and `{` in a JSON text, stopping as soon as it passes `limit`, without
 * parsing: a byte scan that skips string contents (a bracket inside a string does not nest). Works on
 * invalid JSON too (the parser reports that afterwards).
 */
export function jsonDepthOver(raw: Buffer | string, limit: number): boolean {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return false;
}

export const TOO_DEEP = '[too deep to show]';

/**
 * A copy of `value` where everything nested deeper than `maxDepth` is replaced by TOO_DEEP, built without
 * recursion (a record stored before the intake refused deep payloads must still be readable). Parts
 * within the limit are copied as they are.
 */
export function clipDeepJson(value: unknown, maxDepth: number): unknown {
  const root: { v: unknown } = { v: undefined };
  const stack: Array<{ from: unknown; into: Record<string, unknown> | unknown[]; key: string | number; depth: number }> = [
    { from: value, into: root as unknown as Record<string, unknown>, key: 'v', depth: 0 },
  ];
  while (stack.length) {
    const { from, into, key, depth } = stack.pop()!;
    let out: unknown = from;
    if (from !== null && typeof from === 'object') {
      if (depth >= maxDepth) out = TOO_DEEP;
      else if (Array.isArray(from)) {
        const arr: unknown[] = new Array(from.length);
        from.forEach((item, i) => stack.push({ from: item, into: arr, key: i, depth: depth + 1 }));
        out = arr;
      } else {
        const obj: Record<string, unknown> = {};
        const source = typeof (from as { toJSON?: unknown }).toJSON === 'function' ? (from as { toJSON(): unknown }).toJSON() : from;
        if (source === null || typeof source !== 'object') out = source;
        else {
          for (const [k, v] of Object.entries(source as Record<string, unknown>)) stack.push({ from: v, into: obj, key: k, depth: depth + 1 });
          out = obj;
        }
      }
    }
    (into as Record<string | number, unknown>)[key] = out;
  }
  return root.v;
}
