import { LineCounter, parseDocument, type Document } from 'yaml';
import { FlowValidationError, type SourceLocation } from '../errors';
import type { Flow } from '../model/flow';
import { schemaProblems, type SchemaProblem } from './schema-validation';
import { formatPath, SourceMap, type FieldPath } from './source-map';

export interface ParsedFlow {
  /** The flow, when the YAML parsed and matches the schema. */
  flow?: Flow;
  /** The parsed data even when it does not match the schema (so every other problem can be reported too). */
  data?: unknown;
  document: Document.Parsed;
  file?: string;
  /** YAML syntax and schema errors. validateFlow() adds the rest. */
  errors: FlowValidationError[];
  locate(path: FieldPath): SourceLocation | undefined;
  /** Location of the key of the last path segment (for unknown fields). */
  locateKey(path: FieldPath): SourceLocation | undefined;
  /** Location of character `offset` inside the string at `path` (e.g. a JSONata error position). */
  locateInString(path: FieldPath, offset: number): SourceLocation | undefined;
}

/** Parses flow YAML and checks it against schemas/flow.schema.json. Never throws for bad input. */
export function parseFlow(text: string, opts: { file?: string } = {}): ParsedFlow {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, keepSourceTokens: false });
  const map = new SourceMap(document, text, lineCounter, opts.file);
  const parsed: ParsedFlow = {
    document,
    file: opts.file,
    errors: [],
    locate: (p) => map.locate(p),
    locateKey: (p) => map.locateKey(p),
    locateInString: (p, o) => map.locateInString(p, o),
  };
  if (document.errors.length > 0) {
    for (const e of document.errors) {
      const location = e.linePos ? { file: opts.file, line: e.linePos[0].line, col: e.linePos[0].col } : map.at(e.pos[0]);
      const message =
        e.code === 'MULTIPLE_DOCS'
          ? 'a flow file holds one YAML document, but this one has several (a `---` separator?); put each flow in its own file'
          : e.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');
      parsed.errors.push(
        new FlowValidationError(
          'FLOW_YAML_SYNTAX',
          `YAML syntax error: ${message}. Fix the YAML (indentation, quotes, brackets) at this line.`,
          { location },
        ),
      );
    }
    return parsed;
  }
  const data = document.toJS({ maxAliasCount: 100 }) as unknown;
  parsed.data = data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    parsed.errors.push(
      new FlowValidationError(
        'FLOW_NOT_A_FLOW',
        'this file is not a flow: expected a mapping with `apiVersion: splice/v1`, `kind: Flow`, `metadata`, `trigger` and `steps`.',
        {
          location: map.at(0),
        },
      ),
    );
    return parsed;
  }
  const problems = schemaProblems(data);
  for (const p of problems) parsed.errors.push(problemToError(p, map));
  if (problems.length === 0) parsed.flow = data as Flow;
  return parsed;
}

function problemToError(p: SchemaProblem, map: SourceMap): FlowValidationError {
  const location = (p.atKey ? map.locateKey(p.path) : map.locate(p.path)) ?? map.at(0);
  return new FlowValidationError(p.code, p.message, { location, path: formatPath(p.path) });
}
