// Phone lists of cases: a resident's own reports, a worker's queue.
import { get, post, qs } from '../api.js';
import { go, route } from '../router.js';
import { badge, fmtLeft, fmtTime, h, leftClass, pagedList, showError, toast } from '../ui.js';

export function caseCard(c, extra) {
  return h('article.card.case-card', { dataset: { id: c.id } },
    h('div.card-head', h('a.case-title', { href: `#/cases/${c.id}` }, c.title), badge(c.state_label, 'state-' + c.state)),
    h('div.card-meta', `#${c.id} · ${c.category_name}`, c.assignee_name ? ` · ${c.assignee_name}` : '', c.assignee_dept ? ` · ${c.assignee_dept}` : ''),
    c.address ? h('div.card-addr', c.address) : null,
    h('div.card-foot', h('span.muted', fmtTime(c.reported_at)),
      c.time_left_minutes !== null ? h('span.left', { class: leftClass(c.time_left_minutes) }, fmtLeft(c.time_left_minutes)) : null,
      c.ext_pending_hours ? badge(`延期待批 ${c.ext_pending_hours} 小时`, 'warn') : null,
      c.overdue ? badge('超时', 'late') : null),
    extra || null);
}

route('/my', {
  nav: '我的诉求',
  desc: '查看办理进度，确认解决并评价',
  roles: ['resident'],
  order: 11,
  render({ el }) {
    const states = [['', '全部'], ['handled', '待我确认'], ['closed', '待评价'], ['rated', '已评价']];
    let state = '';
    const tabs = h('div.tabs', states.map(([v, t]) => h('button.tab', { type: 'button', class: v === state ? 'on' : '', onclick: (ev) => {
      state = v;
      tabs.querySelectorAll('.tab').forEach((b) => b.classList.toggle('on', b === ev.target));
      list.reload();
    } }, t)));
    const list = pagedList({
      fetch: (after) => get('/cases' + qs({ state, after, limit: 20 })),
      card: (c) => caseCard(c),
      onOpen: (c) => go(`/cases/${c.id}`),
      empty: '还没有诉求。遇到问题可以点“我要上报”。',
    });
    el.append(h('section.panel', h('h2', '我的诉求'), tabs, list));
  },
});

route('/queue', {
  nav: '我的待办',
  desc: '按处置时限排序，受理、退回、反馈结果',
  roles: ['grid_worker', 'grid_chief', 'dept_handler'],
  order: 5,
  render({ el, me }) {
    const triage = me.role !== 'dept_handler';
    const tabs = [['mine', '我的待办'], ...(triage ? [['reported', '待立案']] : [])];
    let tab = 'mine';
    const bar = h('div.tabs', tabs.map(([v, t]) => h('button.tab', { type: 'button', class: v === tab ? 'on' : '', dataset: { tab: v }, onclick: () => {
      tab = v;
      bar.querySelectorAll('.tab').forEach((b) => b.classList.toggle('on', b.dataset.tab === v));
      list.reload();
    } }, t)));
    const list = pagedList({
      fetch: (after) => get('/cases' + (tab === 'mine'
        ? qs({ assignee: 'me', sort: 'deadline', after, limit: 20 })
        : qs({ state: 'reported', after, limit: 20 }))),
      card: (c) => caseCard(c, quick(c)),
      onOpen: (c) => go(`/cases/${c.id}`),
      empty: tab === 'mine' ? '没有待办的案件' : '没有待立案的上报',
    });
    // One-tap actions that need no reason: 立案 and 受理.
    function quick(c) {
      const a = c.state === 'reported' && tab === 'reported' ? 'register' : c.state === 'dispatched' && tab === 'mine' ? 'accept' : null;
      if (!a) return null;
      const box = h('div.card-actions');
      box.append(h('button', {
        type: 'button',
        onclick: async () => {
          try {
            await post(`/cases/${c.id}/actions`, { action: a, expected_version: c.version });
            toast(a === 'register' ? `#${c.id} 已立案` : `#${c.id} 已受理`);
            list.reload();
          } catch (e) {
            showError(box, e);
          }
        },
      }, a === 'register' ? '立案' : '受理'));
      return box;
    }
    el.append(h('section.panel', h('h2', '我的待办'), bar, list));
  },
});
