// 地图: grids, buildings and cases of the area as vector layers (no tiles).
// Grid polygons are drawn when the API gives them (grid.geometry as GeoJSON);
// until then each grid's buildings share a colour.
import { getAll, qs } from '../api.js';
import { ADMINS, STATES } from '../i18n.js';
import { codeColor, dot, L, makeMap, STATE_COLORS } from '../geo.js';
import { route } from '../router.js';
import { errorBox, field, h, placePicker } from '../ui.js';

route('/map', {
  nav: '地图',
  desc: '网格、楼栋和案件的分布',
  roles: [...ADMINS, 'grid_chief', 'grid_worker', 'auditor'],
  order: 40,
  async render({ el, me }) {
    const status = h('p.muted.map-status');
    const caseState = field({ label: '案件', name: 'cases', options: [['open', '未办结'], ['', '全部'], ...Object.entries(STATES)] });
    const picker = placePicker(me, () => load(), { label: '区域' });
    caseState.querySelector('select').addEventListener('change', () => load());
    const mapEl = h('div.map.big-map');
    const legend = h('div.legend', Object.entries(STATES).map(([s, t]) => h('span', h('i', { style: `background:${STATE_COLORS[s]}` }), t)),
      h('span', h('i.building'), '楼栋（颜色区分网格）'));
    el.append(h('section.panel.wide', h('h2', '地图'), h('div.filters', picker, caseState), status, mapEl, legend));
    const map = makeMap(mapEl, { zoom: 13 });
    const grids = L.layerGroup().addTo(map);
    const buildings = L.layerGroup().addTo(map);
    const cases = L.layerGroup().addTo(map);
    L.control.layers(null, { 网格: grids, 楼栋: buildings, 案件: cases }, { collapsed: true }).addTo(map);
    let seq = 0;

    async function load() {
      const mine = ++seq;
      const place = picker.value();
      status.textContent = '正在加载…';
      let bs, cs, gs;
      try {
        [bs, cs, gs] = await Promise.all([
          getAll('/buildings' + qs({ place }), 5000),
          loadCases(place, caseState.querySelector('select').value),
          getAll('/grids' + qs({ place }), 1000).catch(() => []),
        ]);
      } catch (e) {
        status.replaceChildren(errorBox(e));
        return;
      }
      if (mine !== seq) return;
      grids.clearLayers();
      buildings.clearLayers();
      cases.clearLayers();
      for (const g of gs) {
        if (g.geometry) {
          L.geoJSON(g.geometry, { style: { color: codeColor(g.code), weight: 2, fillOpacity: 0.08 } })
            .bindTooltip(`${g.name}：${g.households} 户`).addTo(grids);
        }
      }
      for (const b of bs) {
        dot([b.lat, b.lon], { radius: 3, weight: 0, fillOpacity: 0.7, fillColor: codeColor(b.place) })
          .bindTooltip(`${b.name}（${b.place}）`).addTo(buildings);
      }
      for (const c of cs) {
        if (c.lat === null) continue;
        dot([c.lat, c.lon], { radius: 7, color: '#fff', weight: 1.5, fillColor: STATE_COLORS[c.state], fillOpacity: 0.95 })
          .bindPopup(h('div', h('b', `#${c.id} ${c.title}`), h('br'), `${c.category_name} · ${c.state_label}`, h('br'),
            h('a', { href: `#/cases/${c.id}` }, '查看详情')))
          .addTo(cases);
      }
      const pts = [...bs.map((b) => [b.lat, b.lon]), ...cs.filter((c) => c.lat !== null).map((c) => [c.lat, c.lon])];
      if (pts.length) map.fitBounds(L.latLngBounds(pts).pad(0.05), { animate: false });
      status.textContent = `楼栋 ${bs.length} 栋 · 案件 ${cs.length} 件${gs.some((g) => g.geometry) ? '' : ' · 网格边界待网格规划生成后显示'}`;
    }

    async function loadCases(place, state) {
      if (state !== 'open') return getAll('/cases' + qs({ place, state }), 2000);
      const lists = await Promise.all(['reported', 'registered', 'dispatched', 'accepted', 'handled']
        .map((s) => getAll('/cases' + qs({ place, state: s }), 1000)));
      return lists.flat();
    }
    load();
  },
});
