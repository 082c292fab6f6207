// 案件台 (officials, desktop): filter, page and export the cases of the area;
// register, dispatch, approve extensions and close from a case's page.
import { get, qs } from '../api.js';
import { ADMINS, STATES } from '../i18n.js';
import { categoryField } from './report.js';
import { go, route } from '../router.js';
import { badge, field, fmtLeft, fmtTime, h, leftClass, onSubmit, pagedList, placePicker } from '../ui.js';

route('/desk', {
  nav: '案件台',
  desc: '立案、派遣、延期审批、核查结案，导出 Excel',
  roles: [...ADMINS, 'grid_chief', 'auditor'],
  order: 20,
  async render({ el, me, query }) {
    const { items: cats } = await get('/categories');
    const filters = {
      state: query.get('state') || '',
      category: '',
      place: '',
      overdue: query.get('overdue') === '1',
      sort: 'recent',
    };
    const presets = [
      ['', '全部'], ['reported', '待立案'], ['registered', '待派遣'], ['dispatched', '待受理'], ['accepted', '处置中'],
      ['handled', '待核查结案'], ['closed', '已结案'], ['rated', '已评价'], ['overdue', '已超时'],
    ];
    const presetBar = h('div.tabs', presets.map(([v, t]) => h('button.tab', {
      type: 'button', dataset: { preset: v },
      class: (v === 'overdue' ? filters.overdue : v === filters.state && !filters.overdue) ? 'on' : '',
      onclick: () => {
        filters.overdue = v === 'overdue';
        filters.state = v === 'overdue' ? '' : v;
        form.elements.state.value = filters.state;
        form.elements.overdue.checked = filters.overdue;
        mark();
        list.reload();
      },
    }, t)));
    function mark() {
      presetBar.querySelectorAll('.tab').forEach((b) => b.classList.toggle('on',
        b.dataset.preset === 'overdue' ? filters.overdue : b.dataset.preset === filters.state && !filters.overdue));
    }
    const picker = placePicker(me, null, { label: '区域' });
    const form = h('form.filters', { novalidate: true },
      field({ label: '状态', name: 'state', value: filters.state, options: [['', '全部'], ...Object.entries(STATES)] }),
      categoryField(cats, { optional: true, label: '类别' }),
      picker,
      field({ label: '只看超时', name: 'overdue', type: 'checkbox', value: filters.overdue }),
      field({ label: '排序', name: 'sort', options: [['recent', '最新上报在前'], ['deadline', '时限最近在前']] }),
      h('div.actions', h('button', { type: 'submit' }, '查询')));
    onSubmit(form, async (fd) => {
      filters.state = fd.get('state') || '';
      filters.category = fd.get('category') || '';
      filters.place = picker.value() === me.place ? '' : picker.value();
      filters.overdue = !!fd.get('overdue');
      filters.sort = fd.get('sort');
      mark();
      await list.reload();
    });
    const query_ = (extra) => qs({
      state: filters.state, category: filters.category, place: filters.place,
      overdue: filters.overdue, sort: filters.sort === 'recent' ? '' : filters.sort, ...extra,
    });
    const list = pagedList({
      fetch: (after) => get('/cases' + query_({ after, limit: 50 })),
      columns: [
        ['编号', (c) => h('a', { href: `#/cases/${c.id}` }, '#' + c.id)],
        ['标题', (c) => c.title],
        ['类别', (c) => c.category_name],
        ['网格', (c) => c.place],
        ['状态', (c) => [badge(c.state_label, 'state-' + c.state), c.ext_pending_hours ? badge('延期待批', 'warn') : null]],
        ['处置人', (c) => c.assignee_name || c.assignee_dept],
        ['上报时间', (c) => fmtTime(c.reported_at)],
        ['时限', (c) => (c.time_left_minutes !== null ? h('span.left', { class: leftClass(c.time_left_minutes) }, fmtLeft(c.time_left_minutes)) : fmtTime(c.deadline))],
        ['结案', (c) => c.closure_label],
        ['评价', (c) => (c.rating ? '★'.repeat(c.rating) : '')],
      ],
      onOpen: (c) => go(`/cases/${c.id}`),
      exportPath: me.role === 'grid_worker' ? null : () => '/cases' + query_({ format: 'xlsx' }),
      exportName: '案件.xlsx',
      form,
      empty: '没有符合条件的案件',
    });
    el.append(h('section.panel.wide', h('h2', '案件台'), presetBar, form, list));
  },
});
