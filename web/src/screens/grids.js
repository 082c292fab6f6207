// 网格概况: households and residents per grid (ECharts) and each grid's
// "1+2+X" team, from GET /grids. The indicators dashboard (结案率, 按期结案率,
// satisfaction…) is a screen of its own once the indicators API exists.
import { download, get, qs } from '../api.js';
import { ADMINS } from '../i18n.js';
import { route } from '../router.js';
import { badge, clear, errorBox, h, placePicker, toast } from '../ui.js';

route('/grids', {
  nav: '网格概况',
  desc: '各网格户数、人口和“1+2+X”队伍配备',
  roles: [...ADMINS, 'grid_chief', 'auditor'],
  order: 45,
  async render({ el, me, isCurrent }) {
    const chartEl = h('div.chart');
    const table = h('div');
    const tools = h('div.actions');
    const picker = placePicker(me, () => load(), { label: '区域', depth: 5 });
    el.append(h('section.panel.wide', h('h2', '网格概况'), h('div.filters', picker), tools, chartEl, table));
    const { echarts } = await import('../charts.js');
    const chart = echarts.init(chartEl, null, { renderer: 'canvas' });
    const resize = () => (isCurrent() ? chart.resize() : window.removeEventListener('resize', resize));
    window.addEventListener('resize', resize);

    async function load() {
      const place = picker.value();
      let items;
      try {
        items = (await get('/grids' + qs({ place }))).items;
      } catch (e) {
        table.replaceChildren(errorBox(e));
        return;
      }
      chart.setOption({
        tooltip: { trigger: 'axis' },
        legend: { data: ['户数', '人口'], top: 0 },
        animationDuration: 300,
        grid: { left: 48, right: 48, bottom: items.length > 12 ? 64 : 32, top: 40 },
        dataZoom: items.length > 12 ? [{ type: 'slider', start: 0, end: Math.min(100, (12 / items.length) * 100) }] : [],
        xAxis: { type: 'category', data: items.map((g) => g.name.replace(/^.*?社区/, '')), axisLabel: { interval: 0, rotate: items.length > 6 ? 30 : 0 } },
        yAxis: [{ type: 'value', name: '户' }, { type: 'value', name: '人' }],
        series: [
          { name: '户数', type: 'bar', data: items.map((g) => g.households), markLine: { silent: true, symbol: 'none', data: [{ yAxis: 300 }, { yAxis: 500 }], lineStyle: { type: 'dashed' }, label: { position: 'insideStartTop', formatter: '{c} 户' } } },
          { name: '人口', type: 'bar', yAxisIndex: 1, data: items.map((g) => g.residents) },
        ],
      }, true);
      table.replaceChildren(h('div.table-wrap', h('table.grid-table',
        h('thead', h('tr', ['网格编码', '网格', '户数', '人口', '楼栋', '网格长', '专职', '兼职', '志愿者', '队伍'].map((t) => h('th', t)))),
        h('tbody', items.map((g) => h('tr',
          h('td', g.code), h('td', g.name), h('td', g.households), h('td', g.residents), h('td', g.buildings),
          h('td', g.team.grid_chief), h('td', g.team.fulltime), h('td', g.team.parttime), h('td', g.team.volunteers),
          h('td', g.team.complete ? badge('齐全', 'ok') : badge('缺员', 'late'))))))));
      clear(tools, h('span.muted', `共 ${items.length} 个网格，${items.reduce((a, g) => a + g.households, 0)} 户；虚线为 300–500 户的网格规模`),
        ['city_admin', 'street_admin', 'community_admin', 'auditor'].includes(me.role)
          ? h('button.secondary.export', { type: 'button', onclick: async () => {
            try {
              await download('/grids' + qs({ place, format: 'xlsx' }), '网格.xlsx');
              toast('已导出');
            } catch (e) {
              tools.append(errorBox(e));
            }
          } }, '导出 Excel')
          : null);
    }
    await load();
  },
});
