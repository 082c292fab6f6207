// One case: what and where, its timeline, and a button for every action the
// server says this caller may take now (case.actions).
import { get, post, qs } from '../api.js';
import { ACTIONS, RESIDENT_ACTIONS, roleLabel } from '../i18n.js';
import { dot, makeMap, STATE_COLORS } from '../geo.js';
import { route } from '../router.js';
import { badge, clear, errorBox, field, fmtLeft, fmtTime, h, leftClass, onSubmit, toast } from '../ui.js';

route('/cases/:id', { title: '案件详情', render });

const ESCALATION = { grid_chief: '网格长', community: '社区', street: '街道' };

// The inputs of each action (docs/cases.md, "Acting"); none: act at once.
const INPUTS = {
  cancel: (c, me) => [note(true, me.role === 'resident' ? '撤回原因' : '作废原因')],
  return: () => [note(true, '退回原因（例如：不属于本网格、不属于本部门职责）')],
  reopen: (c, me) => [note(true, me.role === 'resident' ? '哪里还没有解决？' : '返工原因')],
  handle: () => [field({ label: '处置结果', name: 'result', type: 'textarea', required: true, placeholder: '做了什么，结果如何', wide: true })],
  rate: () => [stars(), field({ label: '评价', name: 'comment', type: 'textarea', maxlength: 1000, placeholder: '说说您的感受（选填）', wide: true })],
  extend_request: () => [field({ label: '延期时长（工作小时）', name: 'hours', type: 'number', min: 1, max: 2000, required: true }), note(true, '延期原因')],
  extend_approve: (c) => [field({ label: '批准时长（工作小时）', name: 'hours', type: 'number', min: 1, max: c.ext_pending_hours || 2000, value: c.ext_pending_hours || '' }), note(true, '审批意见')],
  extend_reject: () => [note(true, '驳回原因')],
  supervise: () => [note(true, '督办意见')],
  escalate: () => [note(false, '说明')],
  merge: () => [field({ label: '原案件编号', name: 'into', type: 'number', min: 1, required: true }), note(false, '说明')],
  verify: (c, me) => (me.role === 'resident' ? [] : [field({ label: '特殊结案（不计时限）', name: 'special', type: 'checkbox' }), note(false, '核查意见（特殊结案必填）')]),
  dispatch: (c) => [dispatchTarget(c), note(false, '派遣说明')],
};

function note(required, label) {
  return field({ label, name: 'note', type: 'textarea', required, wide: true });
}

function stars() {
  return h('fieldset.stars', { dataset: { field: 'rating' } }, h('legend', '满意度'),
    [5, 4, 3, 2, 1].map((n) => h('label.star', h('input', { type: 'radio', name: 'rating', value: n, checked: n === 5 }),
      ` ${'★'.repeat(n)} ${['', '很不满意', '不满意', '一般', '满意', '很满意'][n]}`)));
}

// Dispatch to a grid worker of the case's grid, a department, or automatically.
function dispatchTarget(c) {
  const sel = h('select', { name: 'target' }, h('option', { value: '' }, '自动派遣（本网格在岗网格员）'));
  const box = h('label.field', { dataset: { field: 'staff_id department' } }, h('span.label', '派遣给'), sel);
  Promise.all([
    get('/staff' + qs({ place: c.place, limit: 100 })).catch(() => ({ items: [] })),
    get('/categories').catch(() => ({ items: [] })),
  ]).then(([staff, cats]) => {
    const roles = { grid_chief: '网格长', fulltime: '专职网格员', parttime: '兼职网格员' };
    const people = staff.items.filter((s) => roles[s.role]);
    if (people.length) sel.append(h('optgroup', { label: '网格员' }, people.map((s) => h('option', { value: 's' + s.id }, `${s.name}（${roles[s.role]}${s.on_duty ? '' : '，不在岗'}）`))));
    const depts = [...new Set(cats.items.map((x) => x.handler).filter((x) => x && x !== 'grid'))];
    if (depts.length) sel.append(h('optgroup', { label: '职能部门' }, depts.map((d) => h('option', { value: 'd' + d }, d))));
  });
  return box;
}

function actionLabel(a, me) {
  return (me.role === 'resident' && RESIDENT_ACTIONS[a]) || ACTIONS[a] || a;
}

async function render({ el, me, params }) {
  const c = await get(`/cases/${encodeURIComponent(params.id)}`);
  const staff = me.role !== 'resident';
  el.append(h('div.case-view',
    h('section.panel.case-info',
      h('div.card-head', h('h2', `#${c.id} ${c.title}`), badge(c.state_label, 'state-' + c.state)),
      h('dl.facts',
        fact('问题类别', c.category_name),
        fact('地址', c.address),
        c.description ? fact('问题描述', c.description) : null,
        fact('上报时间', fmtTime(c.reported_at)),
        staff ? fact('网格', c.place) : null,
        c.assignee_name || c.assignee_dept ? fact('处置人', c.assignee_name || c.assignee_dept) : null,
        c.deadline ? fact('处置时限', [fmtTime(c.deadline), ' ', c.time_left_minutes !== null ? h('span.left', { class: leftClass(c.time_left_minutes) }, fmtLeft(c.time_left_minutes)) : null]) : null,
        c.ext_pending_hours ? fact('延期申请', `${c.ext_pending_hours} 小时，待审批`) : null,
        c.extended_hours ? fact('已延期', `${c.extended_hours} 小时`) : null,
        c.result ? fact('处置结果', c.result) : null,
        c.closure_label ? fact('结案类型', c.closure_label) : null,
        c.rating ? fact('评价', `${'★'.repeat(c.rating)}${c.rating_comment ? ' ' + c.rating_comment : ''}`) : null,
        c.escalated_to ? fact('已升级至', ESCALATION[c.escalated_to] || c.escalated_to) : null,
        c.private ? fact('公开', '不公开') : null,
        c.duplicates?.length ? fact('合并的重复上报', c.duplicates.map((d) => '#' + d).join('、')) : null),
      c.lat ? h('div.map.case-map') : null),
    actionsPanel(c, me, () => rerender()),
    h('section.panel.timeline', h('h2', '办理过程'),
      h('ol.steps', c.log.map((l) => h('li', { class: 'step-' + l.action },
        h('div.step-head', h('b', l.action_label), h('span.muted', fmtTime(l.at))),
        h('div.step-who', roleLabel(l.role) === l.actor ? l.actor : `${roleLabel(l.role)}${l.actor && l.actor !== l.role ? ' ' + l.actor : ''}`),
        l.note ? h('div.step-note', l.note) : null,
        detailText(l) ? h('div.step-detail.muted', detailText(l)) : null))))));
  const mapEl = el.querySelector('.case-map');
  if (mapEl) {
    const map = makeMap(mapEl, { center: [c.lat, c.lon], zoom: 17 });
    dot([c.lat, c.lon], { radius: 9, color: STATE_COLORS[c.state], fillColor: STATE_COLORS[c.state] }).addTo(map);
  }
  async function rerender() {
    clear(el);
    try {
      await render({ el, me, params });
    } catch (e) {
      el.append(errorBox(e));
    }
  }
}

function fact(k, v) {
  return [h('dt', k), h('dd', v)];
}

function detailText(l) {
  const d = l.detail || {};
  const parts = [];
  if (d.staff_name) parts.push(`派给 ${d.staff_name}`);
  if (d.department) parts.push(`派给 ${d.department}`);
  if (d.deadline) parts.push(`时限 ${fmtTime(d.deadline)}`);
  if (d.hours) parts.push(`${d.hours} 小时`);
  if (d.rating) parts.push('★'.repeat(d.rating));
  if (d.result) parts.push(d.result);
  if (d.closure) parts.push({ normal: '正常结案', overdue: '超时结案', special: '特殊结案' }[d.closure] || d.closure);
  return parts.join(' · ');
}

function actionsPanel(c, me, done) {
  const acts = c.actions || [];
  if (!acts.length) return null;
  const formBox = h('div.action-form');
  const buttons = h('div.actions', acts.map((a) => h('button', {
    type: 'button',
    class: ['cancel', 'return', 'reopen', 'extend_reject'].includes(a) ? 'secondary' : '',
    dataset: { action: a },
    onclick: () => open(a),
  }, actionLabel(a, me))));
  const panel = h('section.panel.case-actions', h('h2', me.role === 'resident' ? '我要' : '办理'), buttons, formBox);

  function open(a) {
    const inputs = (INPUTS[a] || (() => []))(c, me);
    const form = h('form', { novalidate: true, dataset: { action: a } },
      h('h3', actionLabel(a, me)), inputs,
      h('div.actions', h('button', { type: 'submit' }, '确定'), h('button.secondary', { type: 'button', onclick: () => formBox.replaceChildren() }, '取消')));
    onSubmit(form, async (fd) => {
      const body = { action: a, expected_version: c.version };
      for (const [k, v] of fd) {
        if (v === '') continue;
        if (k === 'target') {
          if (v[0] === 's') body.staff_id = +v.slice(1);
          else body.department = v.slice(1);
        } else if (['rating', 'hours', 'into'].includes(k)) body[k] = +v;
        else if (k === 'special') body.special = true;
        else body[k] = v;
      }
      await post(`/cases/${c.id}/actions`, body);
      toast(`${actionLabel(a, me)}：已完成`);
      await done();
    });
    formBox.replaceChildren(form);
    if (!inputs.length) form.requestSubmit();
    else form.querySelector('input,textarea,select')?.focus();
  }
  return panel;
}

