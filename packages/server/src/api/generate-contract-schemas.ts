import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Derives JSON Schemas for OpenAPI's `components.schemas` from the wire contract's TypeScript types
 * (api/contract.ts, plus the runtime's run-record types it re-exports), with the TypeScript checker.
 * `npx tsx packages/server/src/api/generate-contract-schemas.ts` rewrites contract-schemas.generated.json;
 * a test checks that file is up to date.
 */
type Schema = Record<string, unknown>;

const here = dirname(fileURLToPath(import.meta.url));
export const CONTRACT_FILE = join(here, 'contract.ts');
export const GENERATED_FILE = join(here, 'contract-schemas.generated.json');

export function generateContractSchemas(): Record<string, Schema> {
  const program = ts.createProgram([CONTRACT_FILE], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(CONTRACT_FILE)!;
  const moduleSymbol = checker.getSymbolAtLocation(source)!;
  const named = new Map<ts.Symbol, string>();
  const roots: Array<[string, ts.Type]> = [];
  for (const exp of checker.getExportsOfModule(moduleSymbol)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    const decl = sym.declarations?.[0];
    if (!decl || !(ts.isInterfaceDeclaration(decl) || ts.isTypeAliasDeclaration(decl))) continue;
    named.set(sym, exp.name);
    roots.push([exp.name, checker.getDeclaredTypeOfSymbol(sym)]);
  }
  const out: Record<string, Schema> = {};
  for (const [name, type] of roots.sort(([a], [b]) => a.localeCompare(b))) out[name] = convert(type, checker, named, true);
  return out;
}

function refName(type: ts.Type, named: Map<ts.Symbol, string>): string | undefined {
  const sym = type.aliasSymbol ?? type.getSymbol();
  return sym ? named.get(sym) : undefined;
}

function convert(type: ts.Type, checker: ts.TypeChecker, named: Map<ts.Symbol, string>, root = false, depth = 0): Schema {
  if (depth > 12) return {};
  const ref = root ? undefined : refName(type, named);
  if (ref) return { $ref: `#/components/schemas/${ref}` };
  const f = type.flags;
  if (f & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return {};
  if (f & ts.TypeFlags.StringLiteral) return { const: (type as ts.StringLiteralType).value };
  if (f & ts.TypeFlags.NumberLiteral) return { const: (type as ts.NumberLiteralType).value };
  if (f & ts.TypeFlags.BooleanLiteral) return { const: checker.typeToString(type) === 'true' };
  if (f & ts.TypeFlags.String) return { type: 'string' };
  if (f & ts.TypeFlags.Number) return { type: 'number' };
  if (f & ts.TypeFlags.Boolean) return { type: 'boolean' };
  if (f & ts.TypeFlags.Null) return { type: 'null' };
  if (type.isUnion()) {
    const parts = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
    if (parts.length && parts.every((t) => t.flags & ts.TypeFlags.BooleanLiteral)) return { type: 'boolean' };
    // `'A' | 'B' | (string & {})`: an open set of strings.
    if (parts.some((t) => t.isIntersection() && t.types.some((x) => x.flags & ts.TypeFlags.String))) return { type: 'string' };
    if (parts.every((t) => t.flags & ts.TypeFlags.StringLiteral)) return { type: 'string', enum: parts.map((t) => (t as ts.StringLiteralType).value) };
    const schemas = parts.map((t) => convert(t, checker, named, false, depth + 1));
    return schemas.length === 1 ? schemas[0]! : { anyOf: schemas };
  }
  if (type.isIntersection()) {
    if (type.types.some((t) => t.flags & ts.TypeFlags.String)) return { type: 'string' };
    return { allOf: type.types.map((t) => convert(t, checker, named, false, depth + 1)) };
  }
  if (checker.isArrayType(type)) {
    const [item] = checker.getTypeArguments(type as ts.TypeReference);
    return { type: 'array', items: item ? convert(item, checker, named, false, depth + 1) : {} };
  }
  if (f & ts.TypeFlags.Object) {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const p of checker.getPropertiesOfType(type)) {
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      const pType = decl ? checker.getTypeOfSymbolAtLocation(p, decl) : checker.getTypeOfSymbol(p);
      const schema = convert(pType, checker, named, false, depth + 1);
      const doc = ts.displayPartsToString(p.getDocumentationComment(checker)).trim();
      properties[p.name] = doc && !('$ref' in schema) ? { ...schema, description: doc } : schema;
      if (!(p.flags & ts.SymbolFlags.Optional)) required.push(p.name);
    }
    const index = checker.getIndexInfosOfType(type)[0];
    const schema: Schema = { type: 'object' };
    if (Object.keys(properties).length) schema.properties = properties;
    if (required.length) schema.required = required;
    if (index) schema.additionalProperties = convert(index.type, checker, named, false, depth + 1);
    return schema;
  }
  return {};
}

export function renderGenerated(schemas: Record<string, Schema>): string {
  return `${JSON.stringify({ $comment: 'generated by generate-contract-schemas.ts from api/contract.ts, do not edit', schemas }, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(GENERATED_FILE, renderGenerated(generateContractSchemas()));
  console.log(`wrote ${GENERATED_FILE}`);
}
