import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { NotFoundError } from '../errors';

/**
 * The templates gallery: every `templates/*.yaml` flow (not `*.test.yaml`), with what it does and the
 * OAuth scopes its operations need. Files are read on each call so new templates appear without a restart;
 * import copies the text verbatim (comments included).
 */
export interface TemplateInfo {
  id: string;
  title: string;
  description: string;
  scopes: string[];
  connectors: string[];
  triggerType?: 'webhook' | 'schedule' | 'manual';
  hasTests: boolean;
  file: string;
}
export interface TemplateWithText extends TemplateInfo {
  yaml: string;
  testsYaml?: string;
}

/** Answers an operation's OAuth scope and connector (from the catalog); undefined when unknown. */
export type OperationLookup = (uses: string) => { scope?: string | null; connector?: string } | undefined;

export const defaultTemplatesDir = (): string =>
  process.env.SPLICE_TEMPLATES_DIR ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../../templates');

const TEST_SUFFIX = /\.test\.ya?ml$/;

export class TemplateLibrary {
  constructor(
    private readonly dir: string = defaultTemplatesDir(),
    private readonly lookup: OperationLookup = () => undefined,
  ) {}

  list(): TemplateInfo[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => /\.ya?ml$/.test(f) && !TEST_SUFFIX.test(f))
      .sort()
      .map((f) => this.describe(join(this.dir, f)))
      .filter((t): t is TemplateWithText => t !== undefined)
      .map(({ yaml: _y, testsYaml: _t, ...info }) => info);
  }

  get(id: string): TemplateWithText {
    for (const ext of ['.yaml', '.yml']) {
      const file = join(this.dir, `${id}${ext}`);
      if (/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(id) && !TEST_SUFFIX.test(file) && existsSync(file)) {
        const t = this.describe(file);
        if (t) return t;
      }
    }
    throw new NotFoundError('Template', id);
  }

  private describe(file: string): TemplateWithText | undefined {
    const yaml = readFileSync(file, 'utf8');
    let doc: TemplateDoc | undefined;
    try {
      doc = parse(yaml) as TemplateDoc | undefined;
    } catch {
      return undefined; // a broken template is not offered; `splice validate templates/` reports it
    }
    if (!doc || typeof doc !== 'object') return undefined;
    const id = basename(file).replace(/\.ya?ml$/, '');
    const uses = collectUses(doc.steps);
    const scopes = new Set<string>();
    const connectors = new Set<string>();
    for (const c of Object.values(doc.credentials ?? {})) if (typeof c?.connector === 'string') connectors.add(c.connector);
    for (const u of uses) {
      const op = this.lookup(u);
      if (op?.scope) scopes.add(op.scope);
      // Only external services count (not `http` or Splice's own `splice.*` data steps).
      const connector = op?.connector ?? u.split('.')[0];
      if (connector && connector !== 'http' && connector !== 'splice') connectors.add(connector);
    }
    const testsFile = file.replace(/\.ya?ml$/, '.test.yaml');
    const testsYaml = existsSync(testsFile) ? readFileSync(testsFile, 'utf8') : undefined;
    const t = doc.trigger?.type;
    return {
      id,
      title: String(doc.metadata?.title ?? doc.metadata?.name ?? id),
      description: String(doc.metadata?.description ?? '').trim(),
      scopes: [...scopes].sort(),
      connectors: [...connectors].sort(),
      triggerType: t === 'webhook' || t === 'schedule' || t === 'manual' ? t : undefined,
      hasTests: testsYaml !== undefined,
      file,
      yaml,
      ...(testsYaml !== undefined ? { testsYaml } : {}),
    };
  }
}

/** The parts of a template read leniently (it may not validate). */
interface TemplateDoc {
  metadata?: { name?: unknown; title?: unknown; description?: unknown };
  credentials?: Record<string, { connector?: unknown } | null>;
  trigger?: { type?: unknown };
  steps?: unknown;
}

/** Every `uses` of call steps, also inside `if` and `foreach`. */
function collectUses(steps: unknown): string[] {
  const out: string[] = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const s of list) {
      if (!s || typeof s !== 'object') continue;
      const st = s as Record<string, unknown>;
      if (st.type === 'call' && typeof st.uses === 'string') out.push(st.uses);
      walk(st.then);
      walk(st.else);
      walk(st.steps);
    }
  };
  walk(steps);
  return [...new Set(out)];
}
