/** Hash routes of the app: `#/flows`, `#/flows/<id>`, `#/flows/<id>/revisions/<n>`, `#/templates`, `#/runs`, `#/runs/<runId>`, ... */
export type Route =
  | { name: 'flows' }
  | { name: 'flow'; id: string }
  | { name: 'revision'; id: string; revision: number }
  | { name: 'new-flow' }
  | { name: 'templates' }
  | { name: 'runs'; flow?: string }
  | { name: 'run'; runId: string }
  | { name: 'dead-letters' }
  | { name: 'credentials' }
  | { name: 'dashboard' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').split('?')[0]!;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(hash.split('?')[1] ?? '');
  switch (parts[0]) {
    case 'flows':
      if (parts[1] === 'new') return { name: 'new-flow' };
      if (parts[1] && parts[2] === 'revisions' && Number(parts[3]) >= 1) return { name: 'revision', id: parts[1], revision: Number(parts[3]) };
      return parts[1] ? { name: 'flow', id: parts[1] } : { name: 'flows' };
    case 'templates':
      return { name: 'templates' };
    case 'runs':
      return parts[1] ? { name: 'run', runId: parts[1] } : { name: 'runs', flow: query.get('flow') ?? undefined };
    case 'dead-letters':
      return { name: 'dead-letters' };
    case 'credentials':
      return { name: 'credentials' };
    case 'dashboard':
      return { name: 'dashboard' };
    default:
      return { name: 'flows' };
  }
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'flow':
      return `#/flows/${encodeURIComponent(route.id)}`;
    case 'new-flow':
      return '#/flows/new';
    case 'revision':
      return `#/flows/${encodeURIComponent(route.id)}/revisions/${route.revision}`;
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}`;
    case 'runs':
      return route.flow ? `#/runs?flow=${encodeURIComponent(route.flow)}` : '#/runs';
    default:
      return `#/${route.name}`;
  }
}
