import { json } from '@codemirror/lang-json';
import { useEffect, useRef, useState } from 'react';
import { CodeEditor } from '../../codemirror/code-editor';
import { setTrigger } from '../../model/flow-edits';
import { useEditor } from '../../store/store';

type Obj = Record<string, unknown>;

/** The trigger: its type and settings, and the sample event used by the preview and test runs. */
export function TriggerInspector() {
  const rawTrigger = useEditor((s) => s.flow?.data.trigger);
  const trigger = (rawTrigger ?? {}) as Obj;
  const { setField, deleteField, edit } = useEditor.getState();
  const sampleText = JSON.stringify(trigger.sample ?? {}, null, 2);
  const [draft, setDraft] = useState(sampleText);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => setDraft(sampleText), [sampleText]);
  const extensions = useRef([json()]).current;
  const type = String(trigger.type ?? 'manual');
  return (
    <div className="inspector" data-testid="inspector">
      <h3>Trigger</h3>
      <div className="form-row">
        <label htmlFor="trigger-type">Type</label>
        <select id="trigger-type" value={type} onChange={(e) => edit((doc) => setTrigger(doc, e.target.value === 'webhook' ? { type: 'webhook', source: 'payaca' } : e.target.value === 'schedule' ? { type: 'schedule', cron: '*/15 * * * *' } : { type: 'manual' }))}>
          <option value="manual">Manual / API call</option>
          <option value="webhook">Webhook</option>
          <option value="schedule">Schedule</option>
        </select>
      </div>
      {type === 'webhook' && (
        <>
          <div className="form-row">
            <label htmlFor="trigger-source">Sender</label>
            <select id="trigger-source" value={String(trigger.source ?? 'generic')} onChange={(e) => setField(['trigger', 'source'], e.target.value)}>
              <option value="payaca">Payaca</option>
              <option value="highlevel">HighLevel</option>
              <option value="generic">Generic</option>
            </select>
          </div>
          <div className="form-row">
            <label htmlFor="trigger-events">Events</label>
            <input id="trigger-events" defaultValue={Array.isArray(trigger.events) ? trigger.events.join(', ') : ''} key={String(trigger.events)} placeholder="all events" onBlur={(e) => {
              const list = e.target.value.split(',').map((x) => x.trim()).filter(Boolean);
              if (list.length) setField(['trigger', 'events'], list);
              else deleteField(['trigger', 'events']);
            }} />
          </div>
        </>
      )}
      {type === 'schedule' && (
        <>
          <div className="form-row">
            <label htmlFor="trigger-cron">Cron</label>
            <input id="trigger-cron" defaultValue={String(trigger.cron ?? '')} key={String(trigger.cron)} onBlur={(e) => setField(['trigger', 'cron'], e.target.value)} />
          </div>
          <div className="form-row">
            <label htmlFor="trigger-tz">Time zone</label>
            <input id="trigger-tz" defaultValue={String(trigger.timezone ?? '')} key={String(trigger.timezone)} placeholder="UTC" onBlur={(e) => (e.target.value ? setField(['trigger', 'timezone'], e.target.value) : deleteField(['trigger', 'timezone']))} />
          </div>
        </>
      )}
      <label>Sample event (JSON)</label>
      <CodeEditor className="json-editor" value={draft} onChange={setDraft} extensions={extensions} ariaLabel="Sample event" />
      {error && <p className="error">{error}</p>}
      <button
        type="button"
        disabled={draft === sampleText}
        onClick={() => {
          try {
            setField(['trigger', 'sample'], JSON.parse(draft));
            setError(undefined);
          } catch (err) {
            setError(`Not valid JSON: ${(err as Error).message}`);
          }
        }}
      >
        Apply sample
      </button>
    </div>
  );
}
