import { SpecShapeError } from './json';

/** One row of specs/highlevel/scopes.tsv: the OAuth scope a v2 operation needs, and where that is stated. */
export interface ScopeRow {
  operationId: string;
  method: string;
  path: string;
  scope: string;
  statedIn: string;
}

export function parseScopesTsv(text: string, where: string): ScopeRow[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines.shift()?.split('\t') ?? [];
  const expected = ['operationId', 'method', 'path', 'scope'];
  if (expected.some((h, i) => header[i] !== h)) throw new SpecShapeError(`${where}:1`, `columns ${expected.join(', ')}, ...`);
  return lines.map((line, i) => {
    const [operationId, method, path, scope, statedIn] = line.split('\t');
    if (!operationId || !method || !path || !scope) throw new SpecShapeError(`${where}:${i + 2}`, 'four non-empty columns');
    return { operationId, method: method.toUpperCase(), path, scope, statedIn: statedIn ?? '' };
  });
}
