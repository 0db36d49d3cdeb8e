/**
 * OpenAPI path templates (`/customers/{customerId}/tags`) as the sandboxes route them: one regex per
 * template, its parameter names in order, and the decoded parameters of a matching path.
 */

export interface CompiledPathTemplate {
  /** Matches the whole path, with or without a trailing slash; one capture group per parameter. */
  pathRegex: RegExp;
  pathParamNames: string[];
}

export function compilePathTemplate(template: string): CompiledPathTemplate {
  const pathParamNames: string[] = [];
  const source = template
    .split('/')
    .map((seg) => {
      const m = /^\{(.+)\}$/.exec(seg);
      if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      pathParamNames.push(m[1] as string);
      return '([^/]+)';
    })
    .join('/');
  return { pathRegex: new RegExp(`^${source}/?$`), pathParamNames };
}

/** The path parameters of a path `template` matches (by name, %-decoded); undefined when it does not match. */
export function matchPathParams(template: CompiledPathTemplate, path: string): Record<string, string> | undefined {
  const m = template.pathRegex.exec(path);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  template.pathParamNames.forEach((name, i) => {
    const raw = m[i + 1] as string;
    try {
      params[name] = decodeURIComponent(raw);
    } catch {
      params[name] = raw; // a malformed %-escape is kept as sent (validation or the handler will refuse it)
    }
  });
  return params;
}
