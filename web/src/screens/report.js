// 我要上报: category, text, where (my household, a household, or a point on
// the map); open cases of the same category nearby are offered before filing.
import { get, post, qs } from '../api.js';
import { ADMINS } from '../i18n.js';
import { dot, L, makeMap, MANZHOULI } from '../geo.js';
import { go, route } from '../router.js';
import { badge, clear, field, fmtTime, h, onSubmit, toast } from '../ui.js';

route('/report', {
  nav: (me) => (me.role === 'resident' ? '我要上报' : '上报问题'),
  desc: (me) => (me.role === 'resident' ? '暖气不热、水管堵塞、楼道卫生……告诉网格员' : '巡查发现的问题直接立案'),
  roles: ['resident', 'grid_worker', 'grid_chief', ...ADMINS],
  order: 10,
  render,
});

// Categories as a two-level select: each parent is a group, itself first.
// attrs: {optional, label}.
export function categoryField(cats, attrs = {}) {
  const parents = cats.filter((c) => !c.parent);
  const sel = h('select', { name: 'category', required: !attrs.optional },
    h('option', { value: '' }, attrs.optional ? '全部类别' : '请选择'),
    parents.map((p) => h('optgroup', { label: p.name },
      h('option', { value: p.code }, attrs.optional ? `${p.name}（全部）` : `${p.name}（其他）`),
      cats.filter((c) => c.parent === p.code).map((c) => h('option', { value: c.code }, c.name)))));
  return h('label.field', { dataset: { field: 'category' } },
    h('span.label', attrs.label || '问题类别', attrs.optional ? null : h('b.req', ' *')), sel);
}

async function render({ el, me }) {
  const resident = me.role === 'resident';
  const { items: cats } = await get('/categories');
  const catField = categoryField(cats);
  const where = { kind: me.household ? 'home' : 'map', household: null, lat: null, lon: null };
  let key = newKey();

  const latIn = h('input', { type: 'hidden', name: 'lat' });
  const lonIn = h('input', { type: 'hidden', name: 'lon' });
  const mapEl = h('div.map.pick-map');
  const pointText = h('p.muted.point-text', '点击地图选择问题所在位置');
  const mapBox = h('div.where-map', { dataset: { field: 'lat lon' } }, mapEl, pointText, latIn, lonIn);
  const hhBox = h('div.where-household', { dataset: { field: 'household_id' } });
  const choices = [];
  if (me.household) choices.push(['home', `我家：${me.household.address}`]);
  if (!resident) choices.push(['household', '辖区住户']);
  choices.push(['map', '在地图上选点']);
  const radios = h('fieldset.where', { dataset: { field: 'household_id' } }, h('legend', '问题在哪里'),
    choices.map(([v, t]) => h('label.radio', h('input', { type: 'radio', name: 'where', value: v, checked: v === where.kind }), ' ', t)));
  const form = h('form.report-form', { novalidate: true },
    catField,
    field({ label: '标题', name: 'title', maxlength: 100, placeholder: '不填则用问题类别', wide: true }),
    field({ label: '问题描述', name: 'description', type: 'textarea', maxlength: 4000, placeholder: '请描述问题，例如：哪个房间的暖气不热、从什么时候开始', wide: true }),
    radios, hhBox, mapBox,
    field({ label: '不公开（仅网格工作人员可见）', name: 'private', type: 'checkbox' }),
    h('div.dups'),
    h('div.actions.main-submit', h('button', { type: 'submit', name: 'go', value: 'check' }, '提交')));
  el.append(h('section.panel', h('h2', resident ? '我要上报' : '上报问题'), form));

  let map = null;
  let pin = null;
  function showWhere() {
    mapBox.hidden = where.kind !== 'map';
    hhBox.hidden = where.kind !== 'household';
    if (where.kind === 'map' && !map) {
      const center = me.household ? [me.household.lat, me.household.lon] : MANZHOULI;
      map = makeMap(mapEl, { center, zoom: 17 });
      if (me.household) dot(center, { radius: 7, color: '#0b5394', fillColor: '#60a5fa' }).bindTooltip('我家').addTo(map);
      if (!resident) drawBuildings(map, me);
      map.on('click', (ev) => setPoint(ev.latlng.lat, ev.latlng.lng));
    }
  }
  function setPoint(lat, lon) {
    where.lat = +lat.toFixed(6);
    where.lon = +lon.toFixed(6);
    latIn.value = where.lat;
    lonIn.value = where.lon;
    if (pin) pin.setLatLng([lat, lon]);
    else pin = dot([lat, lon], { radius: 9, color: '#b71c1c', fillColor: '#ef4444' }).addTo(map);
    pointText.textContent = `已选位置：${where.lat}, ${where.lon}`;
    form.dispatchEvent(new Event('change'));
  }
  radios.addEventListener('change', (ev) => {
    where.kind = ev.target.value;
    showWhere();
  });
  if (!resident) {
    householdSearch(hhBox, (hh) => {
      where.household = hh;
      form.dispatchEvent(new Event('change'));
    });
  }
  showWhere();

  // The place of the report as API fields, and its point for the nearby search.
  async function place() {
    if (where.kind === 'home') return { body: { household_id: me.household.id }, point: [me.household.lat, me.household.lon] };
    if (where.kind === 'household') {
      if (!where.household) return { body: {}, point: null };
      const b = await get(`/buildings/${where.household.building_id}`).catch(() => null);
      return { body: { household_id: where.household.id }, point: b ? [b.lat, b.lon] : null };
    }
    if (where.lat === null) return { body: {}, point: null };
    return { body: { lat: where.lat, lon: where.lon }, point: [where.lat, where.lon] };
  }

  const dups = form.querySelector('.dups');
  const mainSubmit = form.querySelector('.main-submit');
  // Offered duplicates answer one choice of category and place: a change asks again.
  form.addEventListener('change', () => {
    dups.replaceChildren();
    mainSubmit.hidden = false;
  });
  onSubmit(form, async (fd, submitter) => {
    const { body, point } = await place();
    const c = {
      category: fd.get('category') || undefined,
      title: fd.get('title') || undefined,
      description: fd.get('description') || undefined,
      ...body,
    };
    if (fd.get('private')) c.private = true;
    if (submitter?.value !== 'file' && c.category && point) {
      const near = await get('/cases/nearby' + qs({ category: c.category, lat: point[0], lon: point[1], radius_m: 200 }));
      if (near.items.length) {
        clear(dups, h('div.notice',
          h('h3', `附近 200 米内已有 ${near.items.length} 件同类问题正在办理`),
          h('ul', near.items.map((n) => h('li', `#${n.id} ${n.title} `, badge(n.state_label, 'state-' + n.state),
            ` · 相距 ${Math.round(n.distance_m)} 米 · ${fmtTime(n.reported_at)}`))),
          h('p', '如果是同一个问题，不必重复上报，网格员会一并处理。'),
          h('div.actions',
            h('button', { type: 'submit', name: 'go', value: 'file' }, '不是同一个问题，仍要上报'),
            h('button.secondary', { type: 'button', onclick: () => go('/') }, '是同一个问题，不上报了'))));
        mainSubmit.hidden = true;
        dups.scrollIntoView({ block: 'nearest' });
        return;
      }
    }
    const created = await post('/cases', c, { key });
    key = newKey();
    toast('已上报，编号 ' + created.id);
    go(`/cases/${created.id}`);
  });
}

function newKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

// Staff pick a household of their area by address.
function householdSearch(box, onPick) {
  const input = h('input', { type: 'search', placeholder: '输入小区、楼栋或房号', 'aria-label': '搜索住户' });
  const list = h('ul.pick-list');
  const chosen = h('p.muted', '尚未选择住户');
  let timer;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!input.value.trim()) return list.replaceChildren();
      const { items } = await get('/households' + qs({ q: input.value.trim(), limit: 8 })).catch(() => ({ items: [] }));
      list.replaceChildren(...items.map((hh) => h('li', h('button.link', {
        type: 'button',
        onclick: () => {
          onPick(hh);
          chosen.textContent = `已选：${hh.address || hh.room}`;
          list.replaceChildren();
        },
      }, hh.address || `${hh.unit}单元${hh.room}室`))));
    }, 250);
  });
  box.append(input, list, chosen);
}

// Buildings of the caller's area as small grey dots, for orientation.
async function drawBuildings(map, me) {
  const { items } = await get('/buildings' + qs({ place: me.place, limit: 500 })).catch(() => ({ items: [] }));
  const layer = L.layerGroup(items.map((b) => dot([b.lat, b.lon], { radius: 3, color: '#9ca3af', fillColor: '#d1d5db' }).bindTooltip(b.name)));
  layer.addTo(map);
  if (items.length) map.fitBounds(L.latLngBounds(items.map((b) => [b.lat, b.lon])).pad(0.1), { animate: false });
}
