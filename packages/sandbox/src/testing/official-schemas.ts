import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';

/**
 * Validators for HighLevel's official OpenAPI response schemas, resolved by ajv straight from the files in
 * specs/highlevel (independently of the sandbox's own loader), so a sandbox answer is checked against the
 * spec as published. The files are registered under their upstream layout, so `../common/...` refs resolve;
 * the v3 files' `../common/` refs are remapped to `apps/v3/common/` as SOURCE.md says.
 */

const addFormats = ((addFormatsImport as unknown as { default?: unknown }).default ?? addFormatsImport) as (a: Ajv) => Ajv;
const SPECS = fileURLToPath(new URL('../../../../specs/highlevel/', import.meta.url));
const BASE = 'https://specs.local/highlevel/';

const FILES = [
  'apps/social-media-posting.json',
  'apps/v3/social-planner-v3.json',
  'apps/oauth.json',
  'common/common-schemas.json',
  'apps/v3/common/common-schemas.json',
];

let ajv: Ajv | undefined;

function load(): Ajv {
  if (ajv) return ajv;
  ajv = addFormats(new Ajv({ strict: false, allErrors: true, validateSchema: false }));
  for (const f of FILES) {
    let text = readFileSync(SPECS + f, 'utf8');
    if (f.startsWith('apps/v3/') && !f.includes('common/')) {
      text = text.replaceAll('"../common/common-schemas.json#', '"./common/common-schemas.json#');
      // Upstream v3 also refers locally to BadRequestDTO etc. that only the common file defines.
      text = text.replaceAll('"#/components/schemas/BadRequestDTO"', '"./common/common-schemas.json#/components/schemas/BadRequestDTO"');
    }
    const doc = JSON.parse(text) as Record<string, unknown>;
    ajv.addSchema({ ...doc, $id: BASE + f });
  }
  return ajv;
}

const pointer = (segments: string[]) => segments.map((s) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/');

/** Validator of an operation's answer as the official file declares it. */
export function officialResponseValidator(version: 'v2' | 'v3', method: string, path: string, status: string): ValidateFunction {
  const file = version === 'v2' ? 'apps/social-media-posting.json' : 'apps/v3/social-planner-v3.json';
  const ref = `${BASE}${file}#/${pointer(['paths', path, method.toLowerCase(), 'responses', status, 'content', 'application/json', 'schema'])}`;
  return load().compile({ $ref: ref });
}

export function officialComponentValidator(file: string, component: string): ValidateFunction {
  return load().compile({ $ref: `${BASE}${file}#/components/schemas/${component}` });
}

export function errorsOf(v: ValidateFunction): string {
  return JSON.stringify(v.errors?.slice(0, 5) ?? []);
}
