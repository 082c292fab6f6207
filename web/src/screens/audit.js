// 审计日志: the append-only log of writes, unmasked reads and logins.
import { get, qs } from '../api.js';
import { ADMINS } from '../i18n.js';
import { route } from '../router.js';
import { fmtTime, h, pagedList } from '../ui.js';

const WHAT = {
  login: '登录', login_failed: '登录失败', logout: '退出', create: '新增', update: '修改', reveal: '查看完整号码',
  import: '导入', tick: '超时巡检', action: '案件操作',
};

route('/audit', {
  nav: '审计日志',
  desc: '每一次写入、查看完整号码和登录',
  roles: [...ADMINS, 'auditor'],
  order: 60,
  render({ el }) {
    const list = pagedList({
      fetch: (after) => get('/audit' + qs({ after, limit: 50 })),
      columns: [
        ['时间', (a) => fmtTime(a.at)],
        ['账号', (a) => a.login],
        ['操作', (a) => WHAT[a.action] || a.action],
        ['对象', (a) => [a.resource, a.object_id ? ' #' + a.object_id : '']],
        ['区域', (a) => a.place],
        ['详情', (a) => h('code.detail', a.detail || '')],
      ],
      exportPath: () => '/audit?format=xlsx',
      exportName: '审计日志.xlsx',
    });
    el.append(h('section.panel.wide', h('h2', '审计日志'), list));
  },
});
