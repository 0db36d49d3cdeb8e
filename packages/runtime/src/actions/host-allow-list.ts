/**
 * Outbound host allow-list. Rules: `example.com` (any port), `example.com:8443`, `*.example.com`
 * (subdomains), `*` (anything: an explicit opt-in). With no list configured only loopback is allowed
 * (127.0.0.0/8, ::1, localhost); the hosts of the environment's connector base URLs are always allowed.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export function hostAllowed(url: URL, allowedHosts: readonly string[] | undefined, baseUrls: Record<string, string>): boolean {
  const hostname = url.hostname.toLowerCase();
  const host = url.host.toLowerCase();
  for (const base of Object.values(baseUrls)) {
    try {
      if (new URL(base).host.toLowerCase() === host) return true;
    } catch {
      /* a malformed base URL allows nothing */
    }
  }
  if (allowedHosts === undefined) return isLoopbackHost(hostname);
  return allowedHosts.some((rule) => {
    const r = rule.trim().toLowerCase();
    if (r === '*') return true;
    if (r.startsWith('*.')) return hostname.endsWith(r.slice(1));
    return r.includes(':') && !r.startsWith('[') ? r === host : r === hostname || r === host;
  });
}
