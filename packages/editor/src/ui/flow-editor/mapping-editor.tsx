import { useMemo, useState, type DragEvent, type ReactNode } from 'react';
import type { YamlPath } from '../../model/flow-document';
import { fieldTreeFromSchema, resolveSchema, type FieldNode } from '../../mapping/field-tree';
import { findStep, sourceGroups, type SourceGroup } from '../../mapping/source-fields';
import { checkMapping, type MappingIssue } from '../../mapping/target-check';
import { useEditor } from '../../store/store';
import { ExpressionEditor } from './expression-editor';
import { editorTextOf, getIn, shortJson, yamlValueOf } from './mapping-values';
import { FIELD_MIME, SourcePanel } from './source-panel';
import { PreviewPanel } from './preview-panel';

/**
 * The mapping editor of one step: source fields on the left, the operation's request fields on the
 * right. Dropping a source onto a target (or Enter on a source, then Enter on a target) writes the
 * JSONata into the step's `with`; the preview and the checks follow every change.
 */
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const SECTIONS = ['params', 'query', 'body', 'headers'] as const;

interface TargetRowProps {
  node: FieldNode;
  section: string;
  depth: number;
  stepPath: YamlPath;
  written: unknown;
  preview: unknown;
  issues: MappingIssue[];
  picked?: string;
  onPicked: () => void;
  sources: () => SourceGroup[];
}

function TargetRow({ node, section, depth, stepPath, written, preview, issues, picked, onPicked, sources }: TargetRowProps) {
  const setField = useEditor((s) => s.setField);
  const deleteField = useEditor((s) => s.deleteField);
  const [over, setOver] = useState(false);
  const path: YamlPath = [...stepPath, 'with', ...(section ? [section] : []), ...node.path];
  const value = getIn(written, node.path);
  const here = issues.filter((i) => i.path.join('.') === node.path.join('.'));
  const write = (text: string) => {
    const v = yamlValueOf(text);
    if (v.remove) deleteField(path);
    else setField(path, v.value);
  };
  const onDrop = (e: DragEvent) => {
    const expr = e.dataTransfer.getData(FIELD_MIME);
    setOver(false);
    if (!expr) return;
    e.preventDefault();
    e.stopPropagation(); // the drop replaces the mapping; CodeMirror must not also insert the text
    write(expr);
  };
  const id = section ? `${section}.${node.path.join('.')}` : node.path.join('.');
  return (
    <>
      <li
        className={`target-row ${over ? 'drop-over' : ''} ${here.length ? 'has-issue' : ''}`}
        data-testid={`target-${id}`}
        onDragOver={(e) => {
          if (e.dataTransfer.types.includes(FIELD_MIME)) {
            e.preventDefault();
            setOver(true);
          }
        }}
        onDragLeave={() => setOver(false)}
        onDropCapture={onDrop}
      >
        <button
          type="button"
          className="field target"
          style={{ paddingLeft: 4 + depth * 12 }}
          title={node.description ?? id}
          aria-label={`Target ${id}${picked ? `: press Enter to map ${picked}` : ''}`}
          onClick={() => {
            if (picked) {
              write(picked);
              onPicked();
            }
          }}
        >
          <span className="field-key">
            {node.key}
            {node.required && <span className="required" title="required">*</span>}
          </span>
          <span className="type">{node.type === 'array' ? `${node.itemType ?? 'any'}[]` : node.type}</span>
        </button>
        <ExpressionEditor value={editorTextOf(value)} onCommit={write} sources={sources} ariaLabel={`Expression for ${id}`} testId={`expr-${id}`} />
        <span className="preview-value" data-testid={`preview-${id}`} title={JSON.stringify(preview)}>
          {value === undefined ? '' : shortJson(preview, 40)}
        </span>
        {here.map((i) => (
          <span key={i.message} className={`issue issue-${i.kind}`}>
            {i.message}
          </span>
        ))}
      </li>
      {node.children.map((c) => (
        <TargetRow key={c.key} {...{ node: c, section, depth: depth + 1, stepPath, written, preview, issues, picked, onPicked, sources }} />
      ))}
    </>
  );
}

export function MappingEditor({ stepId }: { stepId: string }) {
  const data = useEditor((s) => s.flow?.data);
  const graph = useEditor((s) => s.flow?.graph);
  const lastRun = useEditor((s) => s.flow?.lastRun);
  const operations = useEditor((s) => s.operations);
  const envValues = useEditor((s) => s.environments.find((e) => e.name === s.environment)?.values);
  const preview = useEditor((s) => (s.preview?.stepId === stepId ? s.preview : undefined));
  const setField = useEditor((s) => s.setField);
  const [picked, setPicked] = useState<string | undefined>();
  const [extraKey, setExtraKey] = useState<Record<string, string>>({});

  const step = data ? findStep(data.steps, stepId) : undefined;
  const node = graph?.nodes.find((n) => n.id === stepId);
  const groups = useMemo(
    () => (data ? sourceGroups(data, stepId, (uses) => operations.get(uses)?.outputSchema, lastRun, envValues, preview && 'item' in preview ? { value: preview.item } : undefined) : []),
    [data, stepId, operations, lastRun, envValues, preview],
  );
  if (!step || !node || !data) return <p className="muted">Select a step to map its fields.</p>;
  const sources = () => groups;

  let targets: ReactNode;
  let allIssues: MappingIssue[] = [];
  if (step.type === 'call') {
    const op = typeof step.uses === 'string' ? operations.get(step.uses) : undefined;
    const input = (op?.inputSchema ?? {}) as Obj;
    const props = isObj(input.properties) ? input.properties : {};
    const withValue = isObj(step.with) ? step.with : {};
    // Catalog operations group their input as params/query/body/headers; other inputs (e.g. `http`'s
    // url and method) are top-level fields, shown as a section without a name.
    const topLevel = Object.keys(props).filter((k) => !(SECTIONS as readonly string[]).includes(k));
    const sections = [...(topLevel.length ? [''] : []), ...SECTIONS.filter((s) => s in props || s in withValue || (!op && (s === 'body' || s === 'query')))];
    targets = (
      <>
        {sections.map((section) => {
          const schema = section ? resolveSchema(props[section] ?? { type: 'object' }, input) : { type: 'object', properties: Object.fromEntries(topLevel.map((k) => [k, props[k]])), required: input.required };
          const fromSchema = fieldTreeFromSchema(schema, input);
          const written = section ? withValue[section] : withValue;
          const extras = isObj(written) ? Object.keys(written).filter((k) => !fromSchema.some((f) => f.key === k) && (section || !(SECTIONS as readonly string[]).includes(k))).map((k): FieldNode => ({ key: k, path: [k], type: 'unknown', children: [] })) : [];
          const sectionPreview = section ? getIn(preview?.value, [section]) : preview?.value;
          const issues = section && !props[section] ? [] : checkMapping(schema, section ? written : Object.fromEntries(topLevel.filter((k) => k in withValue).map((k) => [k, withValue[k]])), section ? sectionPreview : isObj(sectionPreview) ? Object.fromEntries(topLevel.filter((k) => k in sectionPreview).map((k) => [k, sectionPreview[k]])) : undefined, input);
          allIssues = allIssues.concat(issues.map((i) => ({ ...i, path: section ? [section, ...i.path] : i.path, message: section ? `${section}.${i.message}` : i.message })));
          return (
            <section key={section || 'input'}>
              <h4>{section || 'input'}</h4>
              {typeof written === 'string' ? (
                <p className="muted small">Mapped as a whole: {written}</p>
              ) : (
                <ul className="target-list">
                  {[...fromSchema, ...extras].map((f) => (
                    <TargetRow key={f.key} {...{ node: f, section, depth: 0, stepPath: node.path, written, preview: getIn(sectionPreview, f.path), issues, picked, onPicked: () => setPicked(undefined), sources }} />
                  ))}
                </ul>
              )}
              <form
                className="add-field"
                onSubmit={(e) => {
                  e.preventDefault();
                  const key = (extraKey[section] ?? '').trim();
                  if (key) setField([...node.path, 'with', ...(section ? [section] : []), key], picked ? `=${picked}` : '');
                  setExtraKey({ ...extraKey, [section]: '' });
                }}
              >
                <input placeholder={`add a ${section || 'input'} field`} aria-label={`Add a ${section || 'input'} field`} value={extraKey[section] ?? ''} onChange={(e) => setExtraKey({ ...extraKey, [section]: e.target.value })} />
              </form>
            </section>
          );
        })}
      </>
    );
  } else {
    const key = step.type === 'map' ? 'expression' : step.type === 'foreach' ? 'items' : 'condition';
    const schema = step.type === 'map' && isObj(step.schema) ? step.schema : undefined;
    if (schema && preview?.status === 'done') allIssues = checkMapping(schema, undefined, preview.value);
    targets = (
      <section>
        <h4>{key}</h4>
        <p className="muted small">Drop a source field into the expression to insert its path.</p>
        <ExpressionEditor multiline value={String(step[key] ?? '')} onCommit={(v) => setField([...node.path, key], v)} sources={sources} ariaLabel={`${key} of ${stepId}`} testId={`expr-${key}`} />
      </section>
    );
  }

  return (
    <div className="mapping-editor" data-testid="mapping-editor">
      <SourcePanel groups={groups} picked={picked} onPick={setPicked} />
      <div className="mapping-targets" aria-label="Target fields">
        <h3>
          Target <span className="muted">{String(step.uses ?? step.type)}</span>
        </h3>
        {picked && (
          <p className="picked-hint" role="status">
            Selected <code>{picked}</code>: press Enter on a target field to map it. <button type="button" className="link" onClick={() => setPicked(undefined)}>Cancel</button>
          </p>
        )}
        {allIssues.length > 0 && (
          <ul className="mapping-issues" data-testid="mapping-issues">
            {allIssues.map((i) => (
              <li key={`${i.kind}-${i.path.join('.')}`} className={`issue issue-${i.kind}`}>
                {i.message}
              </li>
            ))}
          </ul>
        )}
        {targets}
      </div>
      <PreviewPanel preview={preview} />
    </div>
  );
}
