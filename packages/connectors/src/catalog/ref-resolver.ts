import path from 'node:path';
import { isObject, SpecShapeError, type JsonObject, type JsonValue } from './json';

export interface RefResolverOptions {
  /** Reads and parses a JSON file by absolute path. */
  load(absPath: string): JsonValue;
  /**
   * Rewrites referenced files (absolute path → absolute path) for upstream quirks: HighLevel's
   * apps/v3/*.json point at `../common/common-schemas.json`, which upstream lives at apps/v3/common/.
   */
  remap?: Record<string, string>;
  /**
   * Files tried, with the same pointer, when a pointer does not exist in its file: three v3 operations
   * refer to `#/components/schemas/BadRequestDTO` etc., which only the v3 common file defines.
   */
  fallbacks?: string[];
}

/**
 * Inlines every `$ref` (local `#/...` and relative `file.json#/...`), so each catalog operation carries
 * self-contained schemas. Sibling keys of a `$ref` are ignored, as OpenAPI 3.0 specifies.
 * A reference cycle cannot be inlined; it is reported with the chain of refs.
 */
export class RefResolver {
  private readonly files = new Map<string, JsonValue>();
  private readonly done = new Map<string, JsonValue>();
  /** Refs that were found only in a fallback file (reported by the generator). */
  readonly fallbacksUsed = new Set<string>();

  constructor(private readonly opts: RefResolverOptions) {}

  /** Every file that was read while resolving (absolute paths), for provenance. */
  get loadedFiles(): string[] {
    return [...this.files.keys()];
  }

  resolve(value: JsonValue, file: string): JsonValue {
    return this.walk(value, path.resolve(file), []);
  }

  private file(abs: string): JsonValue {
    let doc = this.files.get(abs);
    if (doc === undefined) {
      doc = this.opts.load(abs);
      this.files.set(abs, doc);
    }
    return doc;
  }

  private walk(value: JsonValue, file: string, stack: string[]): JsonValue {
    if (Array.isArray(value)) return value.map((v) => this.walk(v, file, stack));
    if (!isObject(value)) return value;
    const ref = value.$ref;
    if (typeof ref === 'string') return this.follow(ref, file, stack);
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.walk(v, file, stack);
    return out;
  }

  private follow(ref: string, file: string, stack: string[]): JsonValue {
    const hash = ref.indexOf('#');
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? '' : ref.slice(hash + 1);
    let target = filePart ? path.resolve(path.dirname(file), filePart) : file;
    target = this.opts.remap?.[target] ?? target;
    const key = `${target}#${pointer}`;
    const cached = this.done.get(key);
    if (cached !== undefined) return cached;
    if (stack.includes(key)) {
      throw new SpecShapeError([...stack, key].join(' -> '), 'no $ref cycle (cannot inline a recursive schema)');
    }
    let found: JsonValue | undefined = tryPointer(this.file(target), pointer);
    let foundIn = target;
    for (const alt of found === undefined ? (this.opts.fallbacks ?? []) : []) {
      found = tryPointer(this.file(alt), pointer);
      if (found !== undefined) {
        foundIn = alt;
        this.fallbacksUsed.add(`${key} -> ${alt}`);
        break;
      }
    }
    if (found === undefined) found = resolvePointer(this.file(target), pointer, key);
    const resolved = this.walk(found, foundIn, [...stack, key]);
    this.done.set(key, resolved);
    return resolved;
  }
}

function tryPointer(doc: JsonValue, pointer: string): JsonValue | undefined {
  try {
    return resolvePointer(doc, pointer, '');
  } catch {
    return undefined;
  }
}

/** RFC 6901 JSON pointer lookup. */
export function resolvePointer(doc: JsonValue, pointer: string, where: string): JsonValue {
  if (pointer === '' || pointer === '/') return doc;
  let cur: JsonValue = doc;
  for (const raw of pointer.replace(/^\//, '').split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    const next: JsonValue | undefined = Array.isArray(cur) ? cur[Number(key)] : isObject(cur) ? cur[key] : undefined;
    if (next === undefined) throw new SpecShapeError(where, `the pointer to exist (no "${key}")`);
    cur = next;
  }
  return cur;
}
