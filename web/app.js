// The first screens of gridgov: log in, walk the place tree, search residents.
const $ = (s) => document.querySelector(s);
let token = sessionStorage.getItem('gg_token');

async function api(path, opts = {}) {
  const headers = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(path, { ...opts, headers });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : null;
  if (!res.ok) {
    const e = body?.error || {};
    throw new Error(e.field ? `${e.field}：${e.message}` : (e.message || `请求失败（${res.status}）`));
  }
  return body;
}

function show(view) {
  $('#login-view').hidden = view !== 'login';
  $('#home-view').hidden = view !== 'home';
}

const trail = [];
async function openPlace(place) {
  const i = trail.findIndex((p) => p.code === place.code);
  if (i >= 0) trail.length = i + 1; else trail.push(place);
  $('#crumbs').replaceChildren(...trail.map((p, k) => {
    const s = document.createElement('span');
    s.textContent = (k ? ' › ' : '') + p.short_name;
    s.onclick = () => openPlace(p);
    return s;
  }));
  $('#place-title').textContent = place.short_name;
  const { items } = await api(`/api/v1/places/${place.code}/children`);
  $('#children').replaceChildren(...items.map((c) => {
    const li = document.createElement('li');
    li.textContent = `${c.short_name}${c.virtual ? '（虚拟）' : ''}`;
    li.onclick = () => openPlace(c);
    return li;
  }));
}

async function home() {
  const me = await api('/api/v1/me');
  $('#who').textContent = `${me.display_name || me.login} · ${me.role_label} · ${me.place_info?.short_name || me.place}`;
  show('home');
  trail.length = 0;
  await openPlace(me.place_info);
}

$('#login-form').onsubmit = async (ev) => {
  ev.preventDefault();
  const f = new FormData(ev.target);
  try {
    const r = await api('/api/v1/session', { method: 'POST', body: JSON.stringify({ login: f.get('login'), password: f.get('password') }) });
    token = r.token;
    sessionStorage.setItem('gg_token', token);
    $('#login-error').textContent = '';
    await home();
  } catch (e) { $('#login-error').textContent = e.message; }
};

function query() {
  const f = new FormData($('#search-form'));
  const p = new URLSearchParams();
  for (const [k, v] of f) if (v) p.set(k, v);
  return p;
}

$('#search-form').onsubmit = async (ev) => {
  ev.preventDefault();
  try {
    const { items } = await api(`/api/v1/residents?${query()}&limit=50`);
    $('#search-error').textContent = items.length ? '' : '没有找到';
    $('#results tbody').replaceChildren(...items.map((r) => {
      const tr = document.createElement('tr');
      for (const v of [r.name, r.id_number || '', r.phone || '', r.place, r.household_id]) {
        const td = document.createElement('td'); td.textContent = v; tr.append(td);
      }
      return tr;
    }));
  } catch (e) { $('#search-error').textContent = e.message; }
};

$('#export-link').onclick = async (ev) => {
  ev.preventDefault();
  const res = await fetch(`/api/v1/residents?${query()}&format=xlsx`, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) { $('#search-error').textContent = '导出失败'; return; }
  const a = document.createElement('a');
  a.href = URL.createObjectURL(await res.blob());
  a.download = '居民.xlsx';
  a.click();
};

$('#logout').onclick = async () => {
  try { await api('/api/v1/session', { method: 'DELETE' }); } catch (e) { /* already gone */ }
  token = null;
  sessionStorage.removeItem('gg_token');
  show('login');
};

if (token) home().catch(() => { token = null; show('login'); }); else show('login');
