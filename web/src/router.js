// Hash routes (#/cases/12): one screen per module. A module registers its
// routes with route(); the menu shows the ones with a nav label that the
// caller's role may use. Later modules (indicators, photos, assemblies, grid
// planning…) add their screens the same way.

const routes = [];

// path: '/cases/:id'; opts: {nav: 'label' | me => 'label', desc, roles: [...] | null, order,
// render(ctx)}
export function route(path, opts) {
  const names = [];
  const re = new RegExp('^' + path.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; }) + '$');
  routes.push({ path, re, names, ...opts });
}

export function allowed(r, me) {
  return !r.roles || r.roles.includes(me.role);
}

export function navRoutes(me) {
  return routes.filter((r) => r.nav && allowed(r, me)).sort((a, b) => (a.order ?? 50) - (b.order ?? 50));
}

// A route's menu label; nav may depend on the role.
export function navLabel(r, me) {
  return typeof r.nav === 'function' ? r.nav(me) : r.nav;
}

// The route of a hash, with its parameters and query.
export function match(hash) {
  const [path, query = ''] = (hash.replace(/^#/, '') || '/').split('?');
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      return { route: r, params, query: new URLSearchParams(query), path };
    }
  }
  return null;
}

export function go(path) {
  if (location.hash === '#' + path) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = path;
}
