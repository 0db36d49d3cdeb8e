/**
 * Redaction for everything that leaves the engine (run records, logs, error messages): sensitive headers
 * by name, sensitive JSON fields by name, sensitive URL query parameters, and any literal secret value the
 * engine knows of (opts.secrets and the auth material of resolved credentials) wherever it appears in text.
 */
export const REDACTED = '[redacted]';

/** Secrets shorter than this are not searched for in text: redacting every `a` would destroy the record. */
export const MIN_SECRET_LENGTH = 4;

const SENSITIVE_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key)$|signature$|token|secret|password|session|api[-_]?key/i;
const SENSITIVE_FIELD =
  /^(password|passwd|secret|client_secret|clientSecret|access_token|accessToken|refresh_token|refreshToken|id_token|api_key|apiKey|private_key|privateKey|authorization|token)$/i;
const SENSITIVE_QUERY = /token|secret|password|signature|api[-_]?key|^key$|^code$/i;

export function isSensitiveHeader(name: string): boolean {
  return SENSITIVE_HEADER.test(name);
}

export class Redactor {
  private secrets = new Set<string>();
  private pattern: RegExp | undefined;
  /** The secrets set belongs to the redactor this one was forked from: copy it before adding. */
  private sharedSecrets = false;

  constructor(secrets: Iterable<string> = []) {
    for (const s of secrets) this.addSecret(s);
  }

  /**
   * A redactor that starts with this one's secrets and compiled pattern (no rebuild), for one run.
   * Secrets added to the fork (e.g. a resolved credential's token) stay in the fork: this one and its
   * other forks never see them.
   */
  fork(): Redactor {
    const child = new Redactor();
    child.secrets = this.secrets;
    child.pattern = this.pattern;
    child.sharedSecrets = true;
    return child;
  }

  addSecret(secret: string | undefined): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
    if (this.sharedSecrets) {
      this.secrets = new Set(this.secrets);
      this.sharedSecrets = false;
    }
    this.secrets.add(secret);
    const alternatives = [...this.secrets].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.pattern = new RegExp(alternatives.join('|'), 'g');
  }

  text(value: string): string {
    let out = this.pattern ? value.replace(this.pattern, REDACTED) : value;
    if (out.startsWith('http') && /^https?:\/\/\S+\?/.test(out)) out = redactUrlQuery(out);
    return out;
  }

  headers(headers: Record<string, string> | undefined): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(headers ?? {})) out[k] = isSensitiveHeader(k) ? REDACTED : this.text(String(v));
    return out;
  }

  /**
   * A redacted version of any JSON-like value. Copy-on-write: parts with nothing to redact are returned
   * as they are (shared, not copied), which keeps recording cheap on the hot path.
   */
  value<T>(value: T): T {
    return this.walk(value, 0) as T;
  }

  private walk(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.text(value);
    if (value === null || typeof value !== 'object' || depth > 64) return value;
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v = value[i];
        const r = this.walk(v, depth + 1);
        if (r !== v && !out) out = value.slice(0, i);
        if (out) out.push(r);
      }
      return out ?? value;
    }
    let out: Record<string, unknown> | undefined;
    const record = value as Record<string, unknown>;
    for (const k in record) {
      const v = record[k];
      const r = v !== null && v !== undefined && v !== '' && SENSITIVE_FIELD.test(k) ? REDACTED : this.walk(v, depth + 1);
      if (r !== v && !out) out = { ...record };
      if (out) out[k] = r;
    }
    return out ?? value;
  }
}

function redactUrlQuery(url: string): string {
  try {
    const u = new URL(url);
    let changed = false;
    for (const key of [...u.searchParams.keys()]) {
      if (SENSITIVE_QUERY.test(key)) {
        u.searchParams.set(key, REDACTED);
        changed = true;
      }
    }
    return changed ? u.toString() : url;
  } catch {
    return url;
  }
}
