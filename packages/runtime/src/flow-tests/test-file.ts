import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { FlowValidationError, type SourceLocation } from '../errors';

/**
 * A `<flow>.test.yaml` file: parsed with positions kept, so every failure can point at the line:col of
 * the assertion that failed. Its format is declared once, in schemas/flow-test.schema.json.
 */
export type EnvValues = Record<string, string | number | boolean>;
export interface RequestMatch {
  method?: string;
  url?: string;
  query?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
}
export interface CannedResponse {
  call?: number;
  match?: RequestMatch;
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}
export interface RequestExpectation extends RequestMatch {
  step?: string;
  call?: number;
}
export interface CaseExpectation {
  status?: 'succeeded' | 'failed' | 'filtered';
  error?: Record<string, unknown>;
  requests?: RequestExpectation[];
  calls?: Record<string, number>;
  totalCalls?: number;
  outputs?: Record<string, unknown>;
  conditions?: string[];
}
export interface FlowTestCase {
  name: string;
  event?: unknown;
  env?: EnvValues;
  responses?: Record<string, CannedResponse | CannedResponse[]>;
  expect?: CaseExpectation;
}
export interface FlowTestSuite {
  flow?: string;
  env?: EnvValues;
  baseUrls?: Record<string, string>;
  tests: FlowTestCase[];
}

export type PathSegment = string | number;
export interface ParsedTestFile {
  file: string;
  suite: FlowTestSuite;
  /** line:col of the node at `path` (or its nearest existing parent). */
  locate(path: PathSegment[]): SourceLocation;
}

const schemaFile = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../schemas/flow-test.schema.json');
let validateSuite: ReturnType<Ajv2020['compile']> | undefined;

function schemaValidator() {
  if (!validateSuite) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    validateSuite = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
  }
  return validateSuite;
}

export function parseTestFile(text: string, file: string): ParsedTestFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const locateOffset = (offset: number): SourceLocation => {
    const p = lineCounter.linePos(offset);
    return { file, line: p.line, col: p.col };
  };
  const firstError = doc.errors[0];
  if (firstError) {
    throw new FlowValidationError('FLOW_TEST_YAML', `Flow test file is not valid YAML: ${firstError.message.split('\n')[0]}`, {
      location: locateOffset(firstError.pos[0]),
    });
  }
  const locate = (path: PathSegment[]) => locateNode(doc, path, locateOffset, file);
  const suite = doc.toJS() as unknown;
  if (!suite || typeof suite !== 'object' || Array.isArray(suite)) {
    throw new FlowValidationError(
      'FLOW_TEST_INVALID',
      'the file is empty or not a YAML mapping: a flow test file has `tests:` (a list of cases, each with a name). See schemas/flow-test.schema.json for the format.',
      { location: { file, line: 1, col: 1 } },
    );
  }
  const validate = schemaValidator();
  if (!validate(suite)) {
    const e = validate.errors![0]!;
    const path = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    const extra = e.keyword === 'additionalProperties' ? ` (unknown key "${(e.params as { additionalProperty: string }).additionalProperty}")` : '';
    throw new FlowValidationError('FLOW_TEST_INVALID', `${formatPath(path) || 'the file'} ${e.message}${extra}. See schemas/flow-test.schema.json for the format.`, {
      location: locate(path),
      path: formatPath(path),
    });
  }
  return { file, suite: suite as FlowTestSuite, locate };
}

function locateNode(doc: Document, path: PathSegment[], at: (o: number) => SourceLocation, file: string): SourceLocation {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return at(node.range[0]);
  }
  return { file, line: 1, col: 1 };
}

export function formatPath(path: PathSegment[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}
