import { lazy, Suspense, useEffect } from 'react';
import { QuestionDialog } from '../pages/deploy/question-dialog';
import { RevisionScreen } from '../pages/revisions/revision-screen';
import { useEditor } from '../store/store';
import type { Route } from '../store/routes';
import { CredentialsScreen, ReconnectBanner } from './credentials-screen';
import { DeadLettersScreen } from './dead-letters-screen';
import { FlowEditorScreen } from './flow-editor/flow-editor-screen';
import { FlowsScreen } from './flows-screen';
import { LoginScreen } from './login-screen';
import { RunDetailScreen, RunsScreen } from './runs-screen';
import { TemplatesScreen } from './templates-screen';

// The dashboards bring their charting library: loaded when first opened, not with the editor.
const InsightsScreen = lazy(() => import('../pages/insights/insights-screen').then((m) => ({ default: m.InsightsScreen })));

const NAV: Array<{ label: string; route: Route; match: Route['name'][] }> = [
  { label: 'Flows', route: { name: 'flows' }, match: ['flows', 'flow', 'new-flow', 'revision'] },
  { label: 'Templates', route: { name: 'templates' }, match: ['templates'] },
  { label: 'Runs', route: { name: 'runs' }, match: ['runs', 'run'] },
  { label: 'Dead letters', route: { name: 'dead-letters' }, match: ['dead-letters'] },
  { label: 'Credentials', route: { name: 'credentials' }, match: ['credentials'] },
  { label: 'Dashboards', route: { name: 'dashboard' }, match: ['dashboard'] },
];

function Screen() {
  const route = useEditor((s) => s.route);
  switch (route.name) {
    case 'flows':
      return <FlowsScreen />;
    case 'flow':
      return <FlowEditorScreen flowId={route.id} />;
    case 'new-flow':
      return <FlowEditorScreen />;
    case 'revision':
      return <RevisionScreen flowId={route.id} revision={route.revision} />;
    case 'templates':
      return <TemplatesScreen />;
    case 'runs':
      return <RunsScreen flow={route.flow} />;
    case 'run':
      return <RunDetailScreen runId={route.runId} />;
    case 'dead-letters':
      return <DeadLettersScreen />;
    case 'credentials':
      return <CredentialsScreen />;
    case 'dashboard':
      return (
        <Suspense fallback={<section className="screen">Loading dashboards…</section>}>
          <InsightsScreen />
        </Suspense>
      );
    default:
      return <FlowsScreen />;
  }
}

function Notices() {
  const notices = useEditor((s) => s.notices);
  const dismiss = useEditor((s) => s.dismiss);
  if (!notices.length) return null;
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} data-testid={`notice-${n.kind}`}>
          <span>{n.text}</span>
          <button type="button" className="link" onClick={() => dismiss(n.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

export function App() {
  const token = useEditor((s) => s.token);
  const route = useEditor((s) => s.route);
  const navigate = useEditor((s) => s.navigate);
  const logout = useEditor((s) => s.logout);
  const hasCatalog = useEditor((s) => s.catalog.length > 0);
  useEffect(() => {
    if (token && !hasCatalog) void useEditor.getState().loadReferenceData();
  }, [token, hasCatalog]);
  if (!token) return <LoginScreen />;
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Main">
        <div className="brand">
          Splice
          <small>Payaca ↔ Users API</small>
        </div>
        {NAV.map((n) => (
          <a key={n.label} href={`#/${n.route.name}`} className={n.match.includes(route.name) ? 'active' : ''} onClick={(e) => (e.preventDefault(), navigate(n.route))}>
            {n.label}
          </a>
        ))}
        <button type="button" className="link sign-out" onClick={logout}>
          Sign out
        </button>
      </nav>
      <main className="main">
        <ReconnectBanner />
        <Notices />
        <Screen />
        <QuestionDialog />
      </main>
    </div>
  );
}
