import '@xyflow/react/dist/style.css';
import './ui/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { takeTokenFromLocation } from './api/api-client';
import { App } from './ui/app';
import { useEditor } from './store/store';

const token = takeTokenFromLocation();
useEditor.getState().syncRoute(window.location.hash);
window.addEventListener('hashchange', () => useEditor.getState().syncRoute(window.location.hash));
if (token) void useEditor.getState().login(token);
// A read-only handle for diagnostics and the browser tests (the flow text, the run): state, not secrets.
(window as unknown as { spliceEditor: typeof useEditor }).spliceEditor = useEditor;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
