import type { YamlPath } from '../../model/flow-document';
import { fieldTreeFromSchema, type FieldNode } from '../../mapping/field-tree';
import { useEditor } from '../../store/store';
import { editorTextOf, getIn, yamlValueOf } from './mapping-values';

/**
 * A form generated from an operation's JSON Schema section (params, query, headers, body): one input per
 * field, typed by the schema (text, number, checkbox, select for enums). A value starting with `=` is an
 * expression; the mapping editor is the place to build those by drag and drop.
 */
export function SchemaForm({ schema, root, value, path, label }: { schema: unknown; root: unknown; value: unknown; path: YamlPath; label: string }) {
  const fields = fieldTreeFromSchema(schema, root);
  if (!fields.length) return null;
  return (
    <fieldset className="schema-form">
      <legend>{label}</legend>
      {fields.map((f) => (
        <SchemaField key={f.key} field={f} value={getIn(value, f.path)} path={[...path, ...f.path]} />
      ))}
    </fieldset>
  );
}

function SchemaField({ field, value, path }: { field: FieldNode; value: unknown; path: YamlPath }) {
  const setField = useEditor((s) => s.setField);
  const deleteField = useEditor((s) => s.deleteField);
  const id = `field-${path.join('-')}`;
  const isExpr = typeof value === 'string' && value.startsWith('=');
  const label = (
    <label htmlFor={id} title={field.description}>
      {field.key}
      {field.required && <span className="required">*</span>} <span className="type">{field.type}</span>
    </label>
  );
  if (field.type === 'object' || (field.type === 'array' && field.itemType === 'object')) {
    return (
      <div className="form-row">
        {label}
        <span className="muted small">{value === undefined ? 'not set: map it in the mapping editor' : isExpr ? String(value) : 'set in the mapping editor'}</span>
      </div>
    );
  }
  if (field.type === 'boolean' && !isExpr) {
    return (
      <div className="form-row">
        {label}
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => setField(path, e.target.checked)} />
      </div>
    );
  }
  if (field.enum && !isExpr) {
    return (
      <div className="form-row">
        {label}
        <select id={id} value={value === undefined ? '' : String(value)} onChange={(e) => (e.target.value === '' ? deleteField(path) : setField(path, field.enum!.find((x) => String(x) === e.target.value)))}>
          <option value="">—</option>
          {field.enum.map((x) => (
            <option key={String(x)} value={String(x)}>
              {String(x)}
            </option>
          ))}
        </select>
      </div>
    );
  }
  // Text field: shows literals plainly and expressions as `=expr`.
  const shown = value === undefined ? '' : isExpr ? String(value) : typeof value === 'string' ? value : editorTextOf(value);
  const numeric = field.type === 'number' || field.type === 'integer';
  return (
    <div className="form-row">
      {label}
      <input
        id={id}
        key={shown}
        defaultValue={shown}
        placeholder={field.example !== undefined ? String(field.example) : numeric ? 'a number, or =expression' : 'text, or =expression'}
        onBlur={(e) => {
          const t = e.target.value;
          if (t === shown) return;
          if (t.trim() === '') return void deleteField(path);
          if (t.startsWith('=')) return setField(path, t);
          if (numeric) {
            const v = yamlValueOf(t);
            return setField(path, v.remove ? undefined : v.value);
          }
          setField(path, t);
        }}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
    </div>
  );
}
