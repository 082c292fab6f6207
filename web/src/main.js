// gridgov web UI: boot, session, menu and the router.
import { api, get } from './api.js';
import { roleLabel } from './i18n.js';
import { allowed, go, match, navLabel, navRoutes } from './router.js';
import { clear, errorBox, h } from './ui.js';
import { loginScreen } from './screens/login.js';

// Each module registers its routes.
import './screens/home.js';
import './screens/report.js';
import './screens/cases.js';
import './screens/case.js';
import './screens/desk.js';
import './screens/registry.js';
import './screens/map.js';
import './screens/grids.js';
import './screens/audit.js';

const app = document.getElementById('app');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const menuBtn = document.getElementById('menu-btn');
let me = null;
let renderSeq = 0;

menuBtn.addEventListener('click', () => {
  const open = nav.classList.toggle('open');
  menuBtn.setAttribute('aria-expanded', String(open));
});

function drawChrome() {
  if (!me) {
    nav.replaceChildren();
    who.replaceChildren();
    menuBtn.hidden = true;
    return;
  }
  menuBtn.hidden = false;
  nav.replaceChildren(...navRoutes(me).map((r) => h('a', { href: '#' + r.path, dataset: { path: r.path } }, navLabel(r, me))));
  who.replaceChildren(
    h('span.who-name', me.display_name || me.login),
    h('span.who-role', `${roleLabel(me.role)} · ${me.place_info?.short_name || me.place}`),
    h('button.link#logout', { type: 'button', onclick: logout }, '退出'));
}

async function logout() {
  try {
    await api('DELETE', '/session');
  } catch { /* the session is gone either way */ }
  me = null;
  drawChrome();
  go('/');
}

async function render() {
  const seq = ++renderSeq;
  nav.classList.remove('open');
  document.getElementById('toast').classList.remove('show');
  menuBtn.setAttribute('aria-expanded', 'false');
  if (!me) {
    try {
      me = await get('/me');
    } catch (e) {
      if (e.status !== 401) {
        clear(app, errorBox(e));
        return;
      }
    }
    drawChrome();
  }
  if (seq !== renderSeq) return;
  if (!me) {
    clear(app, loginScreen(async () => {
      me = await get('/me');
      drawChrome();
      render();
    }));
    document.title = '登录 · 网格化基层治理平台';
    return;
  }
  const m = match(location.hash);
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', !!m && a.dataset.path === m.route.path);
  if (!m || !allowed(m.route, me)) {
    clear(app, h('section.panel', h('h2', '页面不存在'), h('p', '您访问的页面不存在或您的角色无权查看。'), h('a', { href: '#/' }, '返回首页')));
    return;
  }
  const el = h('div.screen');
  clear(app, el);
  document.title = `${m.route.title || navLabel(m.route, me) || '首页'} · 网格化基层治理平台`;
  window.scrollTo(0, 0);
  try {
    await m.route.render({ el, me, params: m.params, query: m.query, isCurrent: () => seq === renderSeq });
  } catch (e) {
    el.append(errorBox(e));
  }
}

window.addEventListener('hashchange', render);
window.addEventListener('gg-unauthenticated', () => {
  if (me) {
    me = null;
    drawChrome();
    render();
  }
});
render();
