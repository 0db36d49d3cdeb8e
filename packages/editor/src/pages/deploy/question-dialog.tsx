import { useEffect, useRef } from 'react';
import './deploy.css';
import { useEditor } from '../../store/store';

/**
 * The confirmation dialog (a modal <dialog>) for the store's current question: activate, deploy, run.
 * Escape or Cancel answers "cancel"; the primary choice has the focus, so Enter confirms.
 */
export function QuestionDialog() {
  const question = useEditor((s) => s.question);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (question && !d.open) d.showModal();
    if (!question && d.open) d.close();
  }, [question]);
  return (
    <dialog
      ref={ref}
      className="question-dialog"
      aria-labelledby="question-title"
      data-testid="question-dialog"
      onCancel={(e) => {
        e.preventDefault();
        question?.answer('cancel');
      }}
    >
      {question && (
        <form method="dialog" onSubmit={(e) => e.preventDefault()}>
          <h2 id="question-title">{question.title}</h2>
          {question.body.map((line) => (
            <p key={line}>{line}</p>
          ))}
          <div className="actions">
            {question.choices.map((c) => (
              <button
                key={c.id}
                type="button"
                className={c.primary ? 'primary' : ''}
                autoFocus={c.primary}
                data-testid={`choice-${c.id}`}
                onClick={() => question.answer(c.id)}
              >
                {c.label}
              </button>
            ))}
          </div>
        </form>
      )}
    </dialog>
  );
}
