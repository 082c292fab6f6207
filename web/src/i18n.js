// zh-CN texts for what the API names in English: error codes, field names,
// roles, states and actions, and the shapes of the server's error messages.
// The server's own text is always shown too, as the detail.

export const ROLES = {
  city_admin: '市级管理员',
  street_admin: '街道管理员',
  community_admin: '社区管理员',
  grid_chief: '网格长',
  grid_worker: '网格员',
  dept_handler: '部门处置人员',
  resident: '居民',
  auditor: '审计监督',
  system: '系统',
};

export const ADMINS = ['city_admin', 'street_admin', 'community_admin'];
export const OFFICIALS = [...ADMINS, 'grid_chief', 'auditor'];
export const STAFF = [...ADMINS, 'grid_chief', 'grid_worker'];

export const STATES = {
  reported: '已上报',
  registered: '已立案',
  dispatched: '已派遣',
  accepted: '处置中',
  handled: '已处置',
  closed: '已结案',
  rated: '已评价',
  cancelled: '已作废',
};

// Button labels of the workflow actions (docs/cases.md); residents see some differently.
export const ACTIONS = {
  register: '立案',
  cancel: '作废',
  dispatch: '派遣',
  accept: '受理',
  return: '退回',
  handle: '反馈处置结果',
  verify: '核查结案',
  reopen: '返工',
  rate: '评价',
  extend_request: '申请延期',
  extend_approve: '批准延期',
  extend_reject: '驳回延期',
  escalate: '升级',
  merge: '合并到原案件',
  supervise: '督办',
};
export const RESIDENT_ACTIONS = { verify: '确认已解决', reopen: '没有解决，要求返工', cancel: '撤回上报' };

export const CLOSURES = { normal: '正常', overdue: '超时', special: '特殊', cancelled: '作废', merged: '合并' };

export const FIELDS = {
  login: '账号',
  password: '密码',
  display_name: '姓名',
  role: '角色',
  place: '所属区域',
  parent: '上级',
  community: '社区',
  grid: '网格',
  name: '名称',
  address: '地址',
  developer: '开发商',
  property_company: '物业公司',
  estate_id: '小区',
  lat: '位置',
  lon: '位置',
  floors: '层数',
  units: '单元数',
  building_id: '楼栋',
  unit: '单元',
  room: '房号',
  area_centi: '面积',
  area: '面积',
  area_source: '面积来源',
  household_id: '住户',
  id_number: '身份证号',
  phone: '电话',
  relation: '与户主关系',
  is_owner: '是否业主',
  kind: '类型',
  org_code: '统一社会信用代码',
  resident_id: '居民',
  handed_over: '已交付',
  on_duty: '在岗',
  contact: '联系人',
  credit_code: '统一社会信用代码',
  industry: '行业',
  party_linked: '党建联建',
  category: '问题类别',
  title: '标题',
  description: '问题描述',
  private: '不公开',
  note: '说明',
  result: '处置结果',
  rating: '评分',
  comment: '评价',
  hours: '延期时长',
  staff_id: '处置人',
  department: '处置部门',
  into: '原案件编号',
  special: '特殊结案',
  expected_version: '案件版本',
  action: '操作',
  state: '状态',
  q: '关键词',
  phone_tail: '手机尾号',
  id_tail: '身份证尾号',
  reveal: '显示完整号码',
  limit: '每页条数',
  after: '翻页',
  format: '导出格式',
  rows: '导入文件',
  body: '请求',
  'Content-Type': '文件类型',
  radius_m: '搜索半径',
  id: '编号',
  code: '编码',
  sort: '排序',
};

export const ENUMS = {
  relation: { head: '户主', spouse: '配偶', child: '子女', parent: '父母', grandchild: '孙子女', sibling: '兄弟姐妹', tenant: '租户', other: '其他' },
  area_source: { registered: '不动产登记', surveyed: '实测', contract: '合同' },
  kind_owner: { person: '个人', organisation: '单位', developer: '开发商' },
  staff_role: { grid_chief: '网格长', fulltime: '专职网格员', parttime: '兼职网格员', volunteer: '志愿者', wulao: '五老人员' },
};

export const CODES = {
  invalid_field: '输入有误',
  unauthenticated: '请先登录',
  forbidden: '无权进行此操作',
  not_found: '找不到该记录',
  method_not_allowed: '不支持的操作',
  conflict: '与现有记录冲突',
  too_large: '内容太大',
  rule_violated: '不符合规则',
  rate_limited: '尝试过于频繁',
  busy: '系统繁忙，请稍后再试',
  unavailable: '服务暂不可用',
  internal_error: '服务器出错',
  network: '无法连接服务器',
};

// Shapes of the server's messages, most specific first. $1… are the captures.
const MESSAGES = [
  [/wrong login or password/, '账号或密码错误'],
  [/too many failed logins/, '登录失败次数过多，请 5 分钟后再试'],
  [/check digit should be '(.)'/, '校验码不对，最后一位应为 $1'],
  [/must be 18 characters, got (\d+)/, '应为 18 位，现在是 $1 位'],
  [/character \d+ must be a digit/, '前 17 位必须是数字'],
  [/last character must be a digit or 'X'/, '最后一位必须是数字或 X'],
  [/birth date (\d+) is not a real date/, '出生日期 $1 不存在'],
  [/birth date (\d+) is in the future/, '出生日期 $1 还没到'],
  [/birth date (\d+) is before 1900/, '出生日期 $1 早于 1900 年'],
  [/mobile number must be 11 digits/, '手机号应为 11 位'],
  [/mobile number must start with 13-19/, '手机号应以 13–19 开头'],
  [/may contain only digits/, '只能包含数字和“-”'],
  [/may have at most two decimal places/, '最多两位小数'],
  [/must be greater than 0|must be 0\.01 to|must be between 1 and \d+ hundredths/, '面积应大于 0'],
  [/needs a reason: give a note|needs a reason/, '请填写原因'],
  [/say what was done: result is required/, '请填写处置结果'],
  [/say where: household_id, or lat and lon, is required/, '请选择住户或在地图上选点'],
  [/no grid is near this point/, '该位置附近没有网格，请重新选点'],
  [/the point lies in grid (\d+), outside your area/, '该位置属于网格 $1，不在您的辖区'],
  [/household \d+ is not yours/, '只能为自己家上报'],
  [/does not exist in your area/, '在您的辖区内不存在'],
  [/no category \S+ is open for reports/, '该类别不接受上报'],
  [/category is required/, '请选择问题类别'],
  [/case is \w+: \w+ is not allowed/, '案件当前状态不允许此操作，请刷新后再试'],
  [/expected_version|changed since/, '案件已被他人更新，请刷新后再试'],
  [/only the assignee may/, '只有处置人可以进行此操作'],
  [/only the reporter may/, '只有上报人可以进行此操作'],
  [/the assignee may not/, '处置人不能核查自己的案件'],
  [/may not do this|may not \w+ a case|your role/, '您的角色无权进行此操作'],
  [/no extension request is pending/, '没有待审批的延期申请'],
  [/grant from 1 to the (\d+) hours asked/, '批准时长应为 1 至 $1 小时'],
  [/(\d+) of (\d+) rows are bad; nothing was imported/, '共 $2 行，其中 $1 行有误，未导入任何数据'],
  [/the file is refused/, '文件格式不对，未导入任何数据'],
  [/send the file as text\/csv/, '请上传 CSV 文件'],
  [/already exists|same .* exists|is taken|UNIQUE/, '已存在相同的记录'],
  [/is longer than (\d+) characters|is too long/, '内容过长（最多 $1 个字）'],
  [/must not be empty|is required/, '必填'],
  [/must be one of/, '请从列表中选择'],
  [/must be an integer from (\d+) to (\d+)/, '应为 $1 到 $2 之间的整数'],
  [/must be an integer|must be a number|must be between/, '应为数字'],
  [/must be a .*code/, '编码格式不对'],
  [/unknown field|unknown query parameter/, '不支持的字段'],
  [/outside your area/, '不在您的辖区'],
  [/not found/, '找不到该记录'],
];

// What to show for an ApiError: {field, label (the field in Chinese), text, detail}.
export function explain(err) {
  const detail = err.message || '';
  let text = '';
  for (const [re, zh] of MESSAGES) {
    const m = re.exec(detail);
    if (m) {
      text = zh.replace(/\$(\d)/g, (_, i) => m[+i] ?? '');
      break;
    }
  }
  if (!text) text = CODES[err.code] || '操作失败';
  if (err.status === 409 && err.code === 'conflict' && !/案件/.test(text) && err.field) text = '已存在相同的记录';
  return { field: err.field || '', label: FIELDS[err.field] || err.field || '', text, detail };
}

export function roleLabel(r) {
  return ROLES[r] || r;
}
