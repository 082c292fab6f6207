// 档案 (the registry): search, filter, page, reveal, edit, create, import
// residents from CSV with the bad rows listed, and export to Excel. A grid
// worker sees it as 我的网格: the households and residents of their grid.
import { ApiError, api, get, patch, post, qs } from '../api.js';
import { ADMINS, ENUMS, explain, FIELDS } from '../i18n.js';
import { route } from '../router.js';
import { clear, clearErrors, field, fmtTime, h, onSubmit, pagedList, placePicker, showError, toast } from '../ui.js';

// The registry's resources as src/core/resource.c defines them.
// type: text | ref | int | real | area | bool | enum | place | idnum | phone
const RES = {
  residents: {
    label: '居民',
    fields: [
      { name: 'household_id', label: '住户编号', type: 'ref', required: true },
      { name: 'name', label: '姓名', required: true },
      { name: 'id_number', label: '身份证号', type: 'idnum' },
      { name: 'phone', label: '电话', type: 'phone' },
      { name: 'relation', label: '与户主关系', type: 'enum', enums: ENUMS.relation, filter: true },
      { name: 'is_owner', label: '业主', type: 'bool', filter: true },
    ],
    title: (r) => r.name,
  },
  households: {
    label: '住户',
    fields: [
      { name: 'building_id', label: '楼栋编号', type: 'ref', required: true },
      { name: 'unit', label: '单元' },
      { name: 'room', label: '房号', required: true },
      { name: 'area_centi', label: '面积（m²）', type: 'area', required: true },
      { name: 'area_source', label: '面积来源', type: 'enum', enums: ENUMS.area_source },
      { name: 'address', label: '地址', wide: true },
    ],
    title: (r) => r.address || `${r.unit ? r.unit + '单元' : ''}${r.room}室`,
  },
  buildings: {
    label: '楼栋',
    fields: [
      { name: 'place', label: '网格编码', type: 'place', required: true },
      { name: 'estate_id', label: '小区编号', type: 'ref', filter: true },
      { name: 'name', label: '楼栋名称', required: true },
      { name: 'address', label: '地址', wide: true },
      { name: 'lat', label: '纬度', type: 'real', required: true },
      { name: 'lon', label: '经度', type: 'real', required: true },
      { name: 'floors', label: '层数', type: 'int' },
      { name: 'units', label: '单元数', type: 'int' },
    ],
    title: (r) => r.name,
  },
  estates: {
    label: '小区',
    fields: [
      { name: 'place', label: '社区或网格编码', type: 'place', required: true },
      { name: 'name', label: '小区名称', required: true },
      { name: 'address', label: '地址', wide: true },
      { name: 'developer', label: '开发商' },
      { name: 'property_company', label: '物业公司' },
    ],
    title: (r) => r.name,
  },
  owners: {
    label: '业主',
    fields: [
      { name: 'household_id', label: '住户编号', type: 'ref', required: true },
      { name: 'kind', label: '类型', type: 'enum', enums: ENUMS.kind_owner, required: true, filter: true },
      { name: 'name', label: '姓名或名称', required: true },
      { name: 'id_number', label: '身份证号', type: 'idnum' },
      { name: 'org_code', label: '统一社会信用代码' },
      { name: 'resident_id', label: '居民编号', type: 'ref' },
      { name: 'handed_over', label: '已交付', type: 'bool', filter: true },
    ],
    title: (r) => r.name,
  },
  staff: {
    label: '网格力量',
    fields: [
      { name: 'place', label: '区域编码', type: 'place', required: true },
      { name: 'name', label: '姓名', required: true },
      { name: 'phone', label: '电话', type: 'phone' },
      { name: 'id_number', label: '身份证号', type: 'idnum' },
      { name: 'role', label: '岗位', type: 'enum', enums: ENUMS.staff_role, required: true, filter: true },
      { name: 'on_duty', label: '在岗', type: 'bool', filter: true },
    ],
    title: (r) => r.name,
  },
  paired_units: {
    label: '包联单位',
    fields: [
      { name: 'place', label: '街道或社区编码', type: 'place', required: true },
      { name: 'name', label: '单位名称', required: true },
      { name: 'kind', label: '类型', filter: true },
      { name: 'contact', label: '联系人' },
      { name: 'phone', label: '电话', type: 'phone' },
    ],
    title: (r) => r.name,
  },
  enterprises: {
    label: '驻区企业',
    fields: [
      { name: 'place', label: '街道或社区编码', type: 'place', required: true },
      { name: 'name', label: '企业名称', required: true },
      { name: 'credit_code', label: '统一社会信用代码' },
      { name: 'industry', label: '行业', filter: true },
      { name: 'party_linked', label: '党建联建', type: 'bool', filter: true },
      { name: 'contact', label: '联系人' },
      { name: 'phone', label: '电话', type: 'phone' },
      { name: 'address', label: '地址', wide: true },
    ],
    title: (r) => r.name,
  },
};

// What each role may do (src/core/authz.c): c create, u update, x export, i import, r reveal.
const ALL = 'cuxir';
const CAN = {
  city_admin: ALL, street_admin: ALL, community_admin: ALL,
  grid_chief: { estates: 'u', buildings: 'cu', households: 'cuxr', residents: 'cuxr', owners: 'cuxr', staff: 'cur' },
  grid_worker: { households: 'cur', residents: 'cur', owners: 'cur', staff: 'r' },
  auditor: { '*': 'xr', estates: 'x', buildings: 'x', paired_units: 'x', enterprises: 'x' },
};
function can(me, res, op) {
  const c = CAN[me.role];
  if (!c) return false;
  if (typeof c === 'string') return c.includes(op);
  return (c[res] ?? c['*'] ?? '').includes(op);
}

route('/registry', {
  nav: (me) => (me.role === 'grid_worker' ? '我的网格' : '档案'),
  desc: (me) => (me.role === 'grid_worker' ? '本网格的住户和居民' : '居民、住户、楼栋、小区、网格力量……查询、编辑、导入、导出'),
  roles: [...ADMINS, 'grid_chief', 'grid_worker', 'auditor'],
  order: 30,
  render,
});

async function render({ el, me, query }) {
  const worker = me.role === 'grid_worker';
  const names = worker ? ['households', 'residents', 'owners', 'buildings', 'staff'] : Object.keys(RES);
  let res = RES[query.get('r')] ? query.get('r') : worker ? 'households' : 'residents';
  const tabs = h('div.tabs', names.map((n) => h('button.tab', { type: 'button', dataset: { res: n }, class: n === res ? 'on' : '', onclick: () => {
    res = n;
    tabs.querySelectorAll('.tab').forEach((b) => b.classList.toggle('on', b.dataset.res === n));
    draw();
  } }, RES[n].label)));
  const body = h('div');
  el.append(h('section.panel.wide', h('h2', worker ? `我的网格 · ${me.place_info?.short_name || me.place}` : '档案'), tabs, body));
  draw();

  function draw() {
    clear(body);
    const def = RES[res];
    const sensitive = def.fields.some((f) => f.type === 'idnum' || f.type === 'phone');
    const editor = h('div.editor');
    const picker = placePicker(me, null, { label: '区域' });
    const filters = def.fields.filter((f) => f.filter && f.type !== 'ref');
    const form = h('form.filters', { novalidate: true },
      field({ label: '关键词', name: 'q', placeholder: res === 'residents' ? '姓名或地址' : '名称或地址' }),
      def.fields.some((f) => f.type === 'phone') ? field({ label: '手机尾号', name: 'phone_tail', maxlength: 4, size: 5, inputmode: 'numeric' }) : null,
      def.fields.some((f) => f.type === 'idnum') ? field({ label: '身份证尾号', name: 'id_tail', maxlength: 4, size: 5 }) : null,
      filters.map((f) => (f.type === 'bool'
        ? field({ label: f.label, name: f.name, options: [['', '不限'], ['1', '是'], ['0', '否']] })
        : f.type === 'enum'
          ? field({ label: f.label, name: f.name, options: [['', '不限'], ...Object.entries(f.enums)] })
          : field({ label: f.label, name: f.name }))),
      picker,
      sensitive && can(me, res, 'r') ? field({ label: '显示完整号码（将记入审计日志）', name: 'reveal', type: 'checkbox' }) : null,
      h('div.actions', h('button', { type: 'submit' }, '查询'),
        can(me, res, 'c') ? h('button.secondary', { type: 'button', onclick: () => edit(null) }, '新增') : null));
    let params = {};
    onSubmit(form, async (fd) => {
      params = {};
      for (const [k, v] of fd) if (v !== '' && k !== 'place') params[k] = v;
      if (picker.value() !== me.place) params.place = picker.value();
      await list.reload();
    });
    const cols = [
      ['编号', (r) => r.id],
      ...def.fields.map((f) => [f.label, (r) => show(f, r)]),
      ...(def.fields.some((f) => f.name === 'place') ? [] : [['所属网格', (r) => r.place]]),
      ['更新时间', (r) => fmtTime(r.updated_at)],
      ...(can(me, res, 'u') ? [['', (r) => h('button.link', { type: 'button', onclick: () => edit(r) }, '编辑')]] : []),
    ];
    const list = pagedList({
      fetch: (after) => get(`/${res}` + qs({ ...params, after, limit: matchMedia('(max-width: 700px)').matches ? 20 : 50 })),
      columns: cols,
      card: (r) => h('article.card',
        h('div.card-head', h('b', def.title(r)), h('span.muted', '#' + r.id)),
        h('dl.facts.small', def.fields.filter((f) => r[f.name] !== null && r[f.name] !== '' && f.name !== 'address').map((f) => [h('dt', f.label), h('dd', show(f, r))])),
        can(me, res, 'u') ? h('div.card-actions', h('button.secondary', { type: 'button', onclick: () => edit(r) }, '编辑')) : null),
      exportPath: can(me, res, 'x') ? () => `/${res}` + qs({ ...params, format: 'xlsx' }) : null,
      exportName: `${def.label}.xlsx`,
      form,
    });
    body.append(form, editor, list);
    if (res === 'residents' && can(me, res, 'i')) body.append(importPanel(me, () => list.reload()));

    // Create (row null) or edit a record; only changed fields are sent.
    function edit(row) {
      const inputs = def.fields.map((f) => input(f, row, me));
      const form2 = h('form.record', { novalidate: true },
        h('h3', row ? `编辑${def.label} #${row.id}` : `新增${def.label}`), inputs,
        h('div.actions', h('button', { type: 'submit' }, '保存'), h('button.secondary', { type: 'button', onclick: () => editor.replaceChildren() }, '取消')));
      onSubmit(form2, async (fd) => {
        const out = {};
        for (const f of def.fields) {
          let v = value(f, fd);
          if (v === undefined && row && cleared(f, row, form2)) v = f.type === 'text' || !f.type ? '' : null;
          if (v === undefined) continue;
          if (row && same(f, v, row)) continue;
          out[f.name] = v;
        }
        if (row && !Object.keys(out).length) {
          editor.replaceChildren();
          return;
        }
        const saved = row ? await patch(`/${res}/${row.id}`, out) : await post(`/${res}`, out);
        toast(row ? '已保存' : `已新增，编号 ${saved.id}`);
        editor.replaceChildren();
        await list.reload();
      });
      editor.replaceChildren(h('div.panel.inset', form2));
      form2.querySelector('input,select')?.focus();
    }
  }
}

function show(f, r) {
  const v = r[f.name];
  if (v === null || v === undefined) return '';
  if (f.type === 'bool') return v ? '是' : '否';
  if (f.type === 'enum') return f.enums[v] || v;
  if (f.type === 'area') return r.area ?? (v / 100).toFixed(2);
  return String(v);
}

function input(f, row, me) {
  const v = row ? row[f.name] : null;
  const common = { label: f.label, name: f.name, required: f.required, wide: f.wide };
  if (f.type === 'bool') return field({ ...common, type: 'checkbox', value: !!v });
  if (f.type === 'enum') return field({ ...common, value: v ?? '', options: [['', '请选择'], ...Object.entries(f.enums)] });
  if (f.type === 'idnum' || f.type === 'phone') {
    const masked = typeof v === 'string' && v.includes('*');
    return field({ ...common, value: masked ? '' : v ?? '', placeholder: masked ? `${v}（不改请留空）` : '', dataset: masked ? { masked: '1' } : undefined, autocomplete: 'off' });
  }
  if (f.type === 'area') return field({ ...common, value: row ? row.area ?? '' : '', inputmode: 'decimal', placeholder: '如 89.50' });
  if (f.type === 'place') return field({ ...common, value: v ?? (row ? '' : me.place), inputmode: 'numeric' });
  const num = ['ref', 'int', 'real'].includes(f.type);
  return field({ ...common, value: v ?? '', type: num ? 'number' : 'text', step: f.type === 'real' ? 'any' : undefined });
}

// The JSON value of a field from the form; undefined: leave it out.
function value(f, fd) {
  if (f.type === 'bool') return !!fd.get(f.name);
  const s = String(fd.get(f.name) ?? '').trim();
  if (s === '') return undefined; // masked numbers left empty stay as they are
  if (['ref', 'int', 'real'].includes(f.type)) return Number(s);
  return s;
}

// An optional field that had a value and was emptied (a masked number left empty is kept).
function cleared(f, row, form) {
  if (f.required || row[f.name] === null || row[f.name] === '' || form.elements[f.name]?.dataset.masked) return false;
  return [undefined, 'text', 'idnum', 'phone', 'ref'].includes(f.type);
}

function same(f, v, row) {
  if (f.type === 'area') return v === row.area;
  if (f.type === 'bool') return !!row[f.name] === v;
  return row[f.name] === v;
}

// Import residents from a CSV file: check first (dry run), then import.
function importPanel(me, done) {
  const out = h('div.import-out');
  const form = h('form.import', { novalidate: true },
    h('h3', '从 CSV 导入居民'),
    h('p.muted', '第一行为列名：grid, estate, building, unit, room, area, name, id_number, phone, relation, is_owner, lat, lon（也可用中文列名）。有任何一行出错则整个文件都不导入。'),
    h('label.field', { dataset: { field: 'rows body Content-Type' } }, h('span.label', '文件'), h('input', { type: 'file', name: 'file', accept: '.csv,text/csv' })),
    h('div.actions',
      h('button.secondary', { type: 'submit', value: 'check' }, '预检'),
      h('button', { type: 'submit', value: 'import' }, '导入')));
  onSubmit(form, async (fd, submitter) => {
    out.replaceChildren();
    const file = fd.get('file');
    if (!file || !file.size) throw new ApiError(400, { code: 'invalid_field', field: 'body', message: 'the CSV file is required as the request body' });
    const dry = submitter?.value !== 'import';
    try {
      const r = await api('POST', '/import/residents' + qs({ dry_run: dry }), { raw: await file.arrayBuffer(), type: 'text/csv' });
      out.append(h('div.notice.ok', `${dry ? '预检通过' : '已导入'}：${r.rows} 行，${r.households} 户，${r.residents} 人（新建住户 ${r.households_created}、楼栋 ${r.buildings_created}、小区 ${r.estates_created}）`));
      if (!dry) done();
    } catch (e) {
      if (!(e instanceof ApiError) || !Array.isArray(e.body?.rows)) throw e;
      showError(form, e);
      clear(out, h('div.table-wrap', h('table.grid-table.row-errors',
        h('thead', h('tr', h('th', '行号'), h('th', '字段'), h('th', '问题'))),
        h('tbody', e.body.rows.map((x) => {
          const ex = explain(new ApiError(400, { code: 'invalid_field', field: x.field, message: x.reason }));
          return h('tr', h('td', x.line), h('td', FIELDS[x.field] || x.field), h('td', ex.text === '输入有误' ? x.reason : [ex.text, h('small.detail', x.reason)]));
        })))),
      e.body.more ? h('p.muted', `另有 ${e.body.more} 行错误未列出`) : null);
    }
  });
  clearErrors(form);
  return h('div.panel.inset', form, out);
}
