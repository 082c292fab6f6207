// 登录
import { post } from '../api.js';
import { field, h, onSubmit } from '../ui.js';

export function loginScreen(done) {
  const form = h('form.login-form', { novalidate: true },
    h('h2', '登录'),
    field({ label: '账号', name: 'login', autocomplete: 'username', required: true }),
    field({ label: '密码', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    h('button', { type: 'submit' }, '登录'));
  onSubmit(form, async (fd) => {
    await post('/session', { login: fd.get('login'), password: fd.get('password') });
    await done();
  });
  return h('section.panel.narrow', form,
    h('p.muted', '居民、网格员和各级工作人员使用同一入口，登录后按角色显示功能。'));
}
