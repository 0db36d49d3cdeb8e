import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlowDocument, parsePath } from '../src/model/flow-document';
import { addStep, connectSteps, deleteStep, renameStep, setTrigger } from '../src/model/flow-edits';
import { flowToGraph } from '../src/model/flow-graph';

const source = readFileSync(new URL('./fixtures/commented-flow.yaml', import.meta.url), 'utf8');
const comments = source.split('\n').flatMap((l) => (l.includes('#') ? [l.slice(l.indexOf('#')).trim()] : []));

/** Lines of `a` missing from `b` (a multiset difference): what an edit lost or changed. */
function lostLines(a: string, b: string): string[] {
  const pool = b.split('\n');
  return a.split('\n').filter((line) => {
    const i = pool.indexOf(line);
    if (i < 0) return true;
    pool.splice(i, 1);
    return false;
  });
}

describe('FlowDocument: lossless YAML round trip', () => {
  it('gives back the exact text when nothing was edited', () => {
    expect(FlowDocument.parse(source).toString()).toBe(source);
  });

  it('changing a mapping keeps every comment and changes only the edited line', () => {
    const doc = FlowDocument.parse(source);
    doc.set(['steps', 0, 'with', 'params', 'locationId'], '=$event.location.id');
    const out = doc.toString();
    for (const c of comments) expect(out).toContain(c);
    expect(out).toContain('locationId: =$event.location.id # from the trigger');
    expect(lostLines(source, out)).toEqual(['        locationId: =$event.locationId # from the trigger']);
    expect((FlowDocument.parse(out).toJS() as any).steps[0].with.params.locationId).toBe('=$event.location.id');
  });

  it('adds a new mapping under a missing parent, keeping key order and comments', () => {
    const doc = FlowDocument.parse(source);
    doc.set(['steps', 2, 'with', 'body', 'email'], '=$event.customer.`first name`');
    doc.set(['steps', 0, 'with', 'query', 'limit'], 100);
    const out = doc.toString();
    for (const c of comments) expect(out).toContain(c);
    const js = FlowDocument.parse(out).toJS() as any;
    expect(Object.keys(js)).toEqual(['apiVersion', 'kind', 'metadata', 'credentials', 'trigger', 'steps']);
    expect(Object.keys(js.steps[2].with.body)).toEqual(['tags', 'note', 'email']);
    expect(js.steps[0].with.query).toEqual({ limit: 100 });
    // Untouched lines all survive: the edit only adds lines.
    expect(lostLines(source, out)).toEqual([]);
  });

  it('moves, adds, renames and deletes steps by graph gestures without losing comments', () => {
    let doc = FlowDocument.parse(source);
    let graph = flowToGraph(doc.toJS());
    const id = addStep(doc, graph, { type: 'filter' }, { afterId: 'fetchTags' });
    expect(id).toBe('filter');
    doc = FlowDocument.parse(doc.toString());
    graph = flowToGraph(doc.toJS());
    expect(graph.nodes.map((n) => n.id)).toEqual(['trigger', 'fetchTags', 'filter', 'tagNames', 'writeTags']);
    connectSteps(doc, graph, 'trigger', 'tagNames');
    doc = FlowDocument.parse(doc.toString());
    graph = flowToGraph(doc.toJS());
    expect(graph.nodes.map((n) => n.id)).toEqual(['trigger', 'tagNames', 'fetchTags', 'filter', 'writeTags']);
    renameStep(doc, graph, 'tagNames', 'names');
    deleteStep(doc, graph, 'filter');
    const out = doc.toString();
    for (const c of comments) expect(out).toContain(c);
    // The moved step took its comment along: it is still on the same line as the id.
    expect(out).toContain('- id: names # one string per tag');
    expect(out).toContain('tags: =$steps.names # all names'); // an edited line takes the library's spacing
    expect(out).toContain('    names onto the Payaca customer.'); // the folded text keeps its folding
    expect(out).not.toContain('filter');
  });

  it('changing the trigger type drops keys the new type does not allow and keeps the sample', () => {
    const doc = FlowDocument.parse(source);
    setTrigger(doc, { type: 'webhook', source: 'payaca', events: ['customer.updated'] });
    const js = doc.toJS() as any;
    expect(js.trigger).toMatchObject({ type: 'webhook', source: 'payaca', events: ['customer.updated'], sample: { locationId: 'loc_123' } });
    expect(doc.toString()).toContain('# The location binding the Payaca user picked.');
  });

  it('locates paths and syntax errors at their line', () => {
    const doc = FlowDocument.parse(source);
    const lines = source.split('\n');
    const at = doc.locate('steps[2].with.body.tags')!;
    expect(lines[at.line - 1]).toContain('tags: =$steps.tagNames');
    expect(doc.locate('/steps/1/expression')!.line).toBe(lines.findIndex((l) => l.includes('expression: |')) + 1);
    // A missing path falls back to the nearest existing ancestor.
    expect(doc.locate(['steps', 0, 'with', 'body', 'x'])!.line).toBe(lines.findIndex((l) => l.includes('    with:')) + 1);
    const bad = FlowDocument.parse('apiVersion: splice/v1\nsteps:\n  - id: a\n   type: map\n');
    expect(bad.hasSyntaxErrors).toBe(true);
    expect(bad.problems[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('a call step added from the palette declares its credential and takes mappings in block style', () => {
    let doc = FlowDocument.parse(source);
    const id = addStep(doc, flowToGraph(doc.toJS()), { type: 'call', uses: 'highlevel.v2.get-posts', connector: 'highlevel' });
    doc = FlowDocument.parse(doc.toString());
    const index = (doc.toJS() as any).steps.findIndex((s: { id: string }) => s.id === id);
    doc.set(['steps', index, 'with', 'params', 'locationId'], '=$event.locationId');
    const out = doc.toString();
    expect(id).toBe('getPosts');
    expect(out).toContain('  - id: getPosts\n    type: call\n    uses: highlevel.v2.get-posts\n    credential: highlevel\n    with:\n      params:\n        locationId: =$event.locationId\n');
    for (const c of comments) expect(out).toContain(c);
  });

  it('keeps CRLF line endings and the untouched lines of a CRLF file', () => {
    const crlf = source.replace(/\n/g, '\r\n');
    const doc = FlowDocument.parse(crlf);
    doc.set(['steps', 0, 'with', 'params', 'locationId'], '=$event.location.id');
    const out = doc.toString();
    expect(out.split('\r\n').length).toBe(crlf.split('\r\n').length);
    expect(out.replace(/\r\n/g, '')).not.toContain('\n');
    expect(lostLines(crlf, out)).toHaveLength(1);
  });

  it('parses both path notations', () => {
    expect(parsePath('steps[2].with.body.tagIds')).toEqual(['steps', 2, 'with', 'body', 'tagIds']);
    expect(parsePath('/steps/2/with/a~1b')).toEqual(['steps', 2, 'with', 'a/b']);
  });

  it('keeps a non-indented sequence style', () => {
    const text = 'steps:\n- id: a # first\n  type: map\n  expression: "1"\n';
    const doc = FlowDocument.parse(text);
    doc.set(['steps', 0, 'expression'], '2');
    expect(doc.toString()).toBe('steps:\n- id: a # first\n  type: map\n  expression: "2"\n');
  });
});
