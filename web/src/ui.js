// Small DOM helpers shared by the screens: element building, forms that show
// the server's error next to the field it names, paged lists with export,
// the place picker and formatting of times.
import { ApiError, download, get } from './api.js';
import { explain, FIELDS } from './i18n.js';

// h('div.card#x', {onclick, class, ...attrs}, ...children)
export function h(sel, attrs, ...kids) {
  const m = /^([a-z0-9]+)?((?:[.#][\w-]+)*)$/.exec(sel);
  const el = document.createElement(m?.[1] || 'div');
  for (const part of (m?.[2] || '').match(/[.#][\w-]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1));
    else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    kids.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className += ' ' + v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && k !== 'list' && k !== 'form') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, kids);
  return el;
}

function append(el, kids) {
  for (const k of kids.flat(Infinity)) {
    if (k === null || k === undefined || k === false) continue;
    el.append(k instanceof Node ? k : document.createTextNode(String(k)));
  }
}

export function clear(el, ...kids) {
  el.replaceChildren();
  append(el, kids);
  return el;
}

let toastTimer;
export function toast(msg) {
  const t = document.getElementById('toast');
  t.textContent = msg;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 3000);
}

// A labelled input. opts: {label, name, type, value, required, options: [[value, text]...], ...}
export function field(opts) {
  const { label, hint, options, type = 'text', wide, ...rest } = opts;
  let input;
  if (options) {
    input = h('select', rest, options.map(([v, t]) => h('option', { value: v, selected: opts.value !== undefined && String(v) === String(opts.value) }, t)));
  } else if (type === 'textarea') {
    input = h('textarea', { rows: 4, ...rest });
  } else if (type === 'checkbox') {
    input = h('input', { type, ...rest, checked: !!opts.value, value: undefined });
    return h('label.field.check', { dataset: { field: opts.name } }, input, ' ', label);
  } else {
    input = h('input', { type, ...rest });
  }
  return h('label.field', { class: wide ? 'wide' : '', dataset: { field: opts.name } },
    h('span.label', label, opts.required ? h('b.req', ' *') : null), input, hint ? h('small.hint', hint) : null);
}

// The element that stands for field name in form: [data-field~=name] (a
// wrapper or an input that stands for several fields), else [name=name].
function fieldBox(form, name) {
  if (!name) return null;
  const byData = [...form.querySelectorAll('[data-field]')].find((e) => e.dataset.field.split(' ').includes(name));
  if (byData) return byData;
  const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
  return input ? input.closest('.field') || input : null;
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((e) => e.remove());
  form.querySelectorAll('.has-error').forEach((e) => e.classList.remove('has-error'));
  const g = form.querySelector('.form-error');
  if (g) g.replaceChildren();
}

// Show err next to the field it names (or at the top of the form); returns the element.
export function showError(form, err) {
  if (!(err instanceof ApiError)) {
    console.error(err);
    err = new ApiError(0, { code: 'internal_error', message: String(err?.message || err) });
  }
  const x = explain(err);
  const box = fieldBox(form, x.field);
  const msg = h('div.field-error', { role: 'alert', dataset: { field: x.field } },
    h('span.zh', box || !x.label ? x.text : `${x.label}：${x.text}`),
    x.detail && x.detail !== x.text ? h('small.detail', x.detail) : null);
  if (box) {
    box.classList.add('has-error');
    // Inside the field's box when it is one (so it stays beside its input in a grid of fields).
    if (box.matches('label, fieldset, div')) box.append(msg);
    else box.after(msg);
    box.querySelector('input,select,textarea')?.focus?.();
  } else {
    let g = form.querySelector('.form-error');
    if (!g) {
      g = h('div.form-error');
      form.prepend(g);
    }
    g.replaceChildren(msg);
  }
  return msg;
}

// Run fn on submit with errors shown in the form; the button is disabled meanwhile.
export function onSubmit(form, fn) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const btns = form.querySelectorAll('button[type=submit]');
    btns.forEach((b) => (b.disabled = true));
    try {
      await fn(new FormData(form), ev.submitter);
    } catch (e) {
      showError(form, e);
    } finally {
      btns.forEach((b) => (b.disabled = false));
    }
  });
  return form;
}

// An error box for screens without a form.
export function errorBox(err) {
  const f = h('div');
  showError(f, err);
  return f;
}

const tf = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});
export function fmtTime(t) {
  return t ? tf.format(new Date(t * 1000)).replace(/\//g, '-') : '';
}

// Working minutes left (docs/cases.md): negative once overdue.
export function fmtLeft(min) {
  if (min === null || min === undefined) return '';
  const a = Math.abs(min);
  const s = a >= 60 ? `${Math.floor(a / 60)} 小时${a % 60 ? ` ${a % 60} 分` : ''}` : `${a} 分钟`;
  return min < 0 ? `已超时 ${s}` : `剩余 ${s}`;
}
export function leftClass(min) {
  if (min === null || min === undefined) return '';
  return min < 0 ? 'late' : min < 120 ? 'soon' : 'ok';
}

export function badge(text, cls = '') {
  return h('span.badge', { class: cls }, text);
}

// A paged list. opts:
//   fetch(after) -> {items, next}      one page
//   columns: [[label, row => value]]   table columns (desktop); or
//   card(row) -> Node                   a card per row (phone)
//   onOpen(row)                         click on a row
//   exportPath() -> path | null         the same query with format=xlsx
//   exportName                          file name
//   empty                               text when nothing matches
//   form                                the filter form: errors are shown next to its inputs
export function pagedList(opts) {
  const root = h('div.list');
  const body = h('div.list-body');
  const pager = h('div.pager');
  const stack = []; // cursors of the pages before
  let cursor = '';
  async function load(after) {
    body.replaceChildren(h('p.muted', '正在加载…'));
    let page;
    try {
      page = await opts.fetch(after);
    } catch (e) {
      // A bad filter is shown next to its input in the filter form.
      if (opts.form) {
        clearErrors(opts.form);
        showError(opts.form, e);
        body.replaceChildren(h('p.muted.empty', '查询条件有误，请修改后重试'));
      } else {
        body.replaceChildren(errorBox(e));
      }
      return;
    }
    cursor = after;
    render(page);
  }
  function render(page) {
    const items = page.items;
    if (!items.length) {
      body.replaceChildren(h('p.muted.empty', opts.empty || '没有符合条件的记录'));
    } else if (opts.card && (!opts.columns || matchMedia('(max-width: 700px)').matches)) {
      body.replaceChildren(h('div.cards', items.map((r) => {
        const c = opts.card(r);
        if (opts.onOpen) c.addEventListener('click', (ev) => { if (!ev.target.closest('button,a,input,select')) opts.onOpen(r); });
        return c;
      })));
    } else {
      const table = h('table.grid-table',
        h('thead', h('tr', opts.columns.map(([l]) => h('th', l)))),
        h('tbody', items.map((r) => {
          const tr = h('tr', opts.columns.map(([, f]) => h('td', f(r) ?? '')));
          if (opts.onOpen) {
            tr.classList.add('clickable');
            tr.addEventListener('click', (ev) => { if (!ev.target.closest('button,a,input,select')) opts.onOpen(r); });
          }
          return tr;
        })));
      body.replaceChildren(h('div.table-wrap', table));
    }
    const prev = h('button.secondary', { type: 'button', disabled: !stack.length, onclick: () => load(stack.pop()) }, '上一页');
    const next = h('button.secondary', {
      type: 'button', disabled: !page.next,
      onclick: () => { stack.push(cursor); load(page.next); },
    }, '下一页');
    const exp = opts.exportPath && opts.exportPath()
      ? h('button.secondary.export', {
        type: 'button',
        onclick: async (ev) => {
          ev.target.disabled = true;
          try {
            await download(opts.exportPath(), opts.exportName);
            toast('已导出');
          } catch (e) {
            pager.append(errorBox(e));
          } finally {
            ev.target.disabled = false;
          }
        },
      }, '导出 Excel')
      : null;
    clear(pager, prev, h('span.page-no', `第 ${stack.length + 1} 页 · ${items.length} 条`), next, exp);
  }
  root.append(body, pager);
  root.reload = () => { stack.length = 0; return load(''); };
  root.reload();
  return root;
}

// Cascading selects from the caller's place down to a grid. onChange(code).
// The value is the deepest place chosen (the caller's own place at first).
export function placePicker(me, onChange, { name = 'place', label = '区域', depth = 6 } = {}) {
  const wrap = h('div.place-picker', { dataset: { field: name }, hidden: true }, h('span.label', label));
  const hidden = h('input', { type: 'hidden', name, value: me.place });
  wrap.append(hidden);
  const levels = [];
  async function addLevel(parent, level) {
    if (level > depth) return;
    let items;
    try {
      items = (await get(`/places/${parent}/children`)).items;
    } catch {
      return;
    }
    if (!items.length) return;
    const sel = h('select', { 'aria-label': label },
      h('option', { value: '' }, '全部'),
      items.map((p) => h('option', { value: p.code }, p.short_name || p.name)));
    sel.addEventListener('change', async () => {
      const i = levels.indexOf(sel);
      levels.splice(i + 1).forEach((s) => s.remove());
      hidden.value = sel.value || parent;
      onChange?.(hidden.value);
      if (sel.value) await addLevel(sel.value, level + 1);
    });
    levels.push(sel);
    wrap.append(sel);
    wrap.hidden = false; // shown once there is something below the caller's place
  }
  const start = me.place_info?.level ?? me.place.length;
  addLevel(me.place, start + 1);
  wrap.value = () => hidden.value;
  return wrap;
}

export function fieldLabel(name) {
  return FIELDS[name] || name;
}

// Section header with a title and optional tools.
export function section(title, ...kids) {
  return h('section.panel', h('h2', title), ...kids);
}
