// 首页: what this role can do, and what waits for them.
import { get } from '../api.js';
import { roleLabel } from '../i18n.js';
import { navLabel, navRoutes, route } from '../router.js';
import { badge, fmtLeft, h, leftClass } from '../ui.js';

route('/', {
  nav: '首页',
  order: 0,
  async render({ el, me }) {
    el.append(h('section.panel.hello',
      h('h2', `您好，${me.display_name || me.login}`),
      h('p.muted', `${roleLabel(me.role)} · ${me.place_info?.name || me.place}`),
      me.household ? h('p', '我的住址：', h('b', me.household.address)) : null));
    const tiles = navRoutes(me).filter((r) => r.path !== '/');
    el.append(h('div.tiles', tiles.map((r) => h('a.tile', { href: '#' + r.path },
      h('strong', navLabel(r, me)), r.desc ? h('small', typeof r.desc === 'function' ? r.desc(me) : r.desc) : null))));
    const waiting = h('div');
    el.append(waiting);
    await summary(waiting, me);
  },
});

// A short list of what is waiting: a worker's queue, a resident's open reports.
async function summary(box, me) {
  let title, path;
  if (me.role === 'resident') {
    title = '我最近的诉求';
    path = '/cases?limit=3';
  } else if (['grid_worker', 'grid_chief', 'dept_handler'].includes(me.role)) {
    title = '我的待办（按处置时限）';
    path = '/cases?assignee=me&limit=5';
  } else if (me.role !== 'auditor') {
    title = '已超时的案件';
    path = '/cases?overdue=1&sort=deadline&limit=5';
  } else {
    return;
  }
  const { items } = await get(path);
  box.append(h('section.panel', h('h2', title),
    items.length
      ? h('ul.mini', items.map((c) => h('li', h('a', { href: `#/cases/${c.id}` }, `#${c.id} ${c.title}`), ' ',
        badge(c.state_label, 'state-' + c.state), ' ',
        c.time_left_minutes !== null ? h('span.left', { class: leftClass(c.time_left_minutes) }, fmtLeft(c.time_left_minutes)) : null)))
      : h('p.muted', '暂无')));
}
