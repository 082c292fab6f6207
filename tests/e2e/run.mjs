// Browser tests of the web UI: playwright-core drives Debian's chromium
// (headless, --no-sandbox) against a real gridgov on 127.0.0.1 with a fresh
// demo database and the UI bundled from web/src for this run.
//
//   GRIDGOV_BIN=build/gridgov GRIDGOV_SRC=$PWD node tests/e2e/run.mjs
//
// Environment: GRIDGOV_BIN (the binary), GRIDGOV_SRC (the repository),
// CHROMIUM (default /usr/bin/chromium), GG_E2E_KEEP=1 keeps the temporary
// directory. Screenshots of every step go to tests/e2e/screenshots/.
// Prints every failed check and closes with "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildWeb } from '../../web/build.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(process.env.GRIDGOV_SRC || join(HERE, '..', '..'));
const BIN = resolve(process.env.GRIDGOV_BIN || join(SRC, 'build', 'gridgov'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = join(HERE, 'screenshots');
const PHONE = { width: 360, height: 740 };
const DESKTOP = { width: 1366, height: 900 };

// ---------------------------------------------------------------- checks

let passed = 0;
let failed = 0;
function ok(cond, what, detail) {
  if (cond) passed++;
  else {
    failed++;
    console.log(`FAIL: ${what}${detail !== undefined ? `\n      ${typeof detail === 'string' ? detail : JSON.stringify(detail)}` : ''}`);
  }
  return !!cond;
}
function eq(got, want, what) {
  return ok(got === want, what, `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}
async function step(name, fn) {
  const t0 = Date.now();
  try {
    await fn();
  } catch (e) {
    ok(false, `step "${name}" raised`, e.stack || String(e));
  }
  console.log(`- ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

// ---------------------------------------------------------------- server

function demo(db) {
  const out = spawnSync(BIN, ['demo', '--db', db], { encoding: 'utf8', timeout: 300000 });
  if (out.status !== 0) throw new Error(`gridgov demo failed: ${out.stderr}`);
  const password = /all with the password (\S+):/.exec(out.stdout)?.[1];
  const users = {};
  let inUsers = false;
  for (const line of out.stdout.split('\n')) {
    if (/^\s+login\s+role\s+place/.test(line)) inUsers = true;
    else if (inUsers) {
      const m = /^\s+(\S+)\s+(\S+)\s+(\d+)\s+(.*)$/.exec(line);
      if (m) users[m[1]] = { login: m[1], role: m[2], place: m[3], name: m[4].trim() };
    }
  }
  if (!password || !users.resident) throw new Error(`cannot read the demo users:\n${out.stdout}`);
  return { password, users };
}

function serve(db, web) {
  return new Promise((ok_, fail) => {
    const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--web', web, '--quiet'],
      { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const timer = setTimeout(() => fail(new Error(`server did not start: ${err}`)), 20000);
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => {
      err += d;
      const m = /serving http:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m) {
        clearTimeout(timer);
        ok_({ proc, port: +m[1], stderr: () => err });
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`server exited with ${code}: ${err}`));
    });
  });
}

// ---------------------------------------------------------------- browser helpers

const foreign = []; // requests to any host other than 127.0.0.1
const pageErrors = [];

async function newContext(browser, viewport, label) {
  const ctx = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  ctx.setDefaultTimeout(30000); // generous: the suite may run beside others, or under ASan
  ctx.on('request', (req) => {
    const u = new URL(req.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.hostname !== '127.0.0.1') foreign.push(`${label}: ${req.url()}`);
  });
  ctx.on('page', (p) => watch(p, label));
  return ctx;
}

function watch(page, label) {
  page.on('pageerror', (e) => pageErrors.push(`${label}: ${e.message}`));
  page.on('console', (m) => {
    // A 401 answer to GET /me before login, and deliberately bad input, log resource errors.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(`${label}: console: ${m.text()}`);
  });
}

let shotNo = 0;
async function shot(page, name) {
  shotNo++;
  const file = join(SHOTS, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header at the top of the picture
  await page.waitForTimeout(150); // let the last paint (and toasts) settle
  const tall = await page.evaluate(() => document.documentElement.scrollHeight > 2400);
  await page.screenshot({ path: file, fullPage: !tall });
  return file;
}

async function noOverflow(page, what) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  return ok(sw <= iw, `${what}: no horizontal overflow at ${iw} px`, `scrollWidth ${sw}`);
}

async function login(page, base, user, password) {
  await page.goto(base);
  await page.fill('input[name=login]', user);
  await page.fill('input[name=password]', password);
  await page.click('form.login-form button[type=submit]');
  await page.locator('#logout').waitFor();
}

// The error shown for field: it must sit in (or right after) the element that stands for
// the field, and on screen right below its input.
async function fieldError(page, form, field) {
  const err = page.locator(`${form} .field-error[data-field="${field}"]`).first();
  await err.waitFor();
  const placed = await err.evaluate((e, f) => {
    const names = (x) => (x?.dataset.field || '').split(' ');
    const box = names(e.parentElement.closest('[data-field]')).includes(f)
      ? e.parentElement.closest('[data-field]')
      : names(e.previousElementSibling).includes(f) ? e.previousElementSibling : null;
    if (!box) return false;
    const input = box.querySelector('input:not([type=hidden]),select,textarea,.map') || box;
    const a = input.getBoundingClientRect();
    const b = e.getBoundingClientRect();
    return b.top >= a.bottom - 1 && b.top - a.bottom < 80 && b.left < a.right && b.right > a.left;
  }, field);
  return { text: (await err.textContent()) || '', placed };
}

// Open a screen afresh (a reload when it is the current one, so no state is left over).
async function go(page, base, path) {
  if (page.url() === `${base}#${path}`) await page.reload();
  else await page.goto(`${base}#${path}`);
  await page.locator('.screen').first().waitFor();
}

const stateOf = (page) => page.locator('.case-info .card-head .badge').first().textContent();

// ---------------------------------------------------------------- the run

async function main() {
  await rm(SHOTS, { recursive: true, force: true });
  await mkdir(SHOTS, { recursive: true });
  const tmp = await mkdtemp(join(tmpdir(), 'gridgov-e2e-'));
  let server;
  let browser;
  try {
    const web = await buildWeb(join(tmp, 'web'));
    const db = join(tmp, 'demo.db');
    const { password, users } = demo(db);
    server = await serve(db, web);
    process.on('exit', () => server.proc.exitCode === null && server.proc.kill('SIGKILL'));
    const base = `http://127.0.0.1:${server.port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const residentCtx = await newContext(browser, PHONE, 'resident');
    const workerCtx = await newContext(browser, PHONE, 'worker');
    const officialCtx = await newContext(browser, DESKTOP, 'official');
    const res = await residentCtx.newPage();
    const worker = await workerCtx.newPage();
    const off = await officialCtx.newPage();
    let caseId = null;

    await step('login: a wrong password is shown next to the password field', async () => {
      await res.goto(base);
      await noOverflow(res, 'login page');
      await res.fill('input[name=login]', users.resident.login);
      await res.fill('input[name=password]', 'not-the-password');
      await res.click('form.login-form button[type=submit]');
      const e = await fieldError(res, 'form.login-form', 'password');
      ok(e.text.includes('账号或密码错误'), 'login error in Chinese', e.text);
      ok(e.placed, 'login error sits next to the password field');
      ok(e.text.includes('wrong login or password'), 'the server text is shown as the detail', e.text);
      await shot(res, 'login-error');
    });

    await step('resident: home', async () => {
      await login(res, base, users.resident.login, password);
      const hello = await res.locator('.hello').textContent();
      ok(hello.includes(users.resident.name), 'the home greets the resident by name', hello);
      ok(hello.includes('我的住址'), 'the home shows the resident\'s household');
      ok(await res.locator('a.tile[href="#/report"]').isVisible(), 'the resident can report');
      ok(!(await res.locator('a.tile[href="#/desk"]').count()), 'the resident has no case desk');
      await noOverflow(res, 'resident home');
      await shot(res, 'resident-home');
    });

    await step('resident: a report without a category names the field', async () => {
      await go(res, base, '/report');
      await res.locator('select[name=category] option').nth(2).waitFor({ state: 'attached' });
      await res.click('form.report-form button[type=submit]');
      const e = await fieldError(res, 'form.report-form', 'category');
      ok(e.text.includes('请选择问题类别'), 'missing category in Chinese', e.text);
      ok(e.placed, 'the error sits next to the category select');
      await res.check('input[name=where][value=map]');
      await res.selectOption('select[name=category]', { label: '暖气不热' });
      await res.click('form.report-form button[type=submit]');
      const w = await fieldError(res, 'form.report-form', 'household_id');
      ok(w.text.includes('请选择住户或在地图上选点'), 'missing place in Chinese', w.text);
      await noOverflow(res, 'report form with errors and map');
      await shot(res, 'report-errors');
    });

    await step('resident: reports a cold radiator (暖气不热)', async () => {
      await go(res, base, '/report');
      await res.selectOption('select[name=category]', { label: '暖气不热' });
      await res.fill('textarea[name=description]', '卧室暖气片从昨晚开始不热，室温只有 14 度。');
      ok(await res.locator('input[name=where][value=home]').isChecked(), 'my household is the default place');
      await res.click('form.report-form button[type=submit]');
      await res.waitForURL(/#\/cases\/\d+$/);
      caseId = +/#\/cases\/(\d+)$/.exec(res.url())[1];
      eq(await stateOf(res), '已上报', 'the new case waits as 已上报');
      const facts = await res.locator('.case-info').textContent();
      ok(facts.includes('暖气不热') && facts.includes('卧室暖气片'), 'the case shows category and description');
      await noOverflow(res, 'case page (resident)');
      await shot(res, 'resident-reported');
    });

    await step('resident: the same problem again is offered as a nearby duplicate', async () => {
      await go(res, base, '/report');
      await res.selectOption('select[name=category]', { label: '暖气不热' });
      await res.click('form.report-form button[type=submit]');
      const notice = res.locator('.dups .notice');
      await notice.waitFor();
      ok((await notice.textContent()).includes(`#${caseId}`), 'the open case is listed before filing');
      await noOverflow(res, 'duplicate offer');
      await shot(res, 'resident-duplicate-offered');
      await res.click('text=是同一个问题，不上报了');
      await res.waitForURL(/#\/$/);
      const n = await res.evaluate(async () => (await (await fetch('/api/v1/cases')).json()).items.length);
      eq(n, 1, 'declining the duplicate files nothing');
    });

    await step('grid worker: registers and accepts from the queue', async () => {
      await login(worker, base, users.huabu_worker.login, password);
      await go(worker, base, '/queue');
      await worker.click('.tabs .tab[data-tab=reported]');
      const card = worker.locator(`.case-card[data-id="${caseId}"]`);
      await card.waitFor();
      await noOverflow(worker, 'worker: cases to register');
      await shot(worker, 'worker-to-register');
      await card.locator('button', { hasText: '立案' }).click();
      await card.waitFor({ state: 'detached' });
      await worker.click('.tabs .tab[data-tab=mine]');
      const mine = worker.locator(`.case-card[data-id="${caseId}"]`);
      await mine.waitFor();
      const left = await mine.locator('.left').textContent();
      ok(/剩余 \d+ 小时/.test(left), 'the queue shows the working time left', left);
      await noOverflow(worker, 'worker queue');
      await shot(worker, 'worker-queue');
      await mine.locator('button', { hasText: '受理' }).click();
      await worker.locator(`.case-card[data-id="${caseId}"] .badge`, { hasText: '处置中' }).waitFor();
      await go(worker, base, `/cases/${caseId}`);
      eq(await stateOf(worker), '处置中', 'accepted: 处置中');
    });

    await step('grid worker: reports the fix (an empty result names the field)', async () => {
      await worker.click('button[data-action=handle]');
      await worker.click('.action-form button[type=submit]');
      const e = await fieldError(worker, '.action-form', 'result');
      ok(e.text.includes('请填写处置结果'), 'missing result in Chinese', e.text);
      ok(e.placed, 'the error sits next to the result field');
      await shot(worker, 'worker-result-required');
      await worker.fill('.action-form textarea[name=result]', '已为暖气片排气并清洗阀门，室温恢复到 20 度。');
      await worker.click('.action-form button[type=submit]');
      await worker.locator('.case-info .badge', { hasText: '已处置' }).waitFor();
      eq(await stateOf(worker), '已处置', 'handled: 已处置');
      await noOverflow(worker, 'case page (worker)');
      await shot(worker, 'worker-handled');
    });

    await step('grid worker: my grid\'s households and residents, masked', async () => {
      await go(worker, base, '/registry');
      await worker.locator('.list .card').first().waitFor();
      await worker.click('.tabs .tab[data-res=residents]');
      await worker.locator('.list .card').first().waitFor();
      const text = await worker.locator('.list').textContent();
      ok(/\d{6}\*{8}[\dX]{4}/.test(text), 'ID numbers are masked as the server returns them');
      ok(/1\d{2}\*{4}\d{4}/.test(text), 'phones are masked as the server returns them');
      await noOverflow(worker, 'worker: my grid');
      await shot(worker, 'worker-my-grid');
    });

    await step('resident: confirms the fix and rates it', async () => {
      await go(res, base, '/my');
      await res.click('.tabs .tab:has-text("待我确认")');
      await res.locator(`.case-card[data-id="${caseId}"]`).click();
      await res.waitForURL(new RegExp(`#/cases/${caseId}$`));
      eq(await stateOf(res), '已处置', 'the resident sees the result waiting for them');
      ok((await res.locator('.case-info').textContent()).includes('室温恢复到 20 度'), 'the result is shown');
      await shot(res, 'resident-to-confirm');
      await res.click('button[data-action=verify]');
      await res.locator('.case-info .badge', { hasText: '已结案' }).waitFor();
      await res.click('button[data-action=rate]');
      await res.check('input[name=rating][value="5"]');
      await res.fill('.action-form textarea[name=comment]', '网格员来得很快，谢谢！');
      await res.click('.action-form button[type=submit]');
      await res.locator('.case-info .badge', { hasText: '已评价' }).waitFor();
      const steps = await res.locator('.timeline .step-head b').allTextContents();
      ok(['上报', '立案', '派遣', '受理', '核查结案', '评价'].every((s) => steps.includes(s)), 'the timeline has every step', steps);
      await noOverflow(res, 'rated case');
      await shot(res, 'resident-rated');
    });

    await step('case desk: the case is closed (正常) and rated', async () => {
      await login(off, base, users.huabu.login, password);
      await go(off, base, '/desk');
      await off.click('.tabs .tab[data-preset=rated]');
      const row = off.locator('table.grid-table tbody tr', { hasText: `#${caseId}` });
      await row.waitFor();
      const t = await row.textContent();
      ok(t.includes('已评价') && t.includes('正常') && t.includes('★★★★★'), 'the desk row shows 已评价, 正常, five stars', t);
      await shot(off, 'desk-closed');
      const dl = off.waitForEvent('download');
      await off.click('.pager .export');
      const d = await dl;
      const file = join(tmp, 'cases.xlsx');
      await d.saveAs(file);
      const buf = await readFile(file);
      ok(buf.subarray(0, 2).toString() === 'PK' && buf.length > 1000, 'the desk exports an .xlsx', buf.length);
    });

    let householdId = null;
    await step('registry: search residents and export to Excel', async () => {
      await go(off, base, '/registry');
      await off.fill('form.filters input[name=q]', users.resident.name);
      await off.click('form.filters button[type=submit]');
      const row = off.locator('table.grid-table tbody tr', { hasText: users.resident.name }).first();
      await row.waitFor();
      householdId = +(await row.locator('td').nth(1).textContent());
      ok(householdId > 0, 'the row shows the household id', householdId);
      await shot(off, 'registry-search');
      const dl = off.waitForEvent('download');
      await off.click('.pager .export');
      const d = await dl;
      ok(d.suggestedFilename().endsWith('.xlsx'), 'the export is an .xlsx file', d.suggestedFilename());
      const file = join(tmp, 'residents.xlsx');
      await d.saveAs(file);
      const buf = await readFile(file);
      ok(buf.subarray(0, 2).toString() === 'PK' && buf.length > 1000, 'the export is a real workbook', buf.length);
    });

    await step('registry: a bad ID number is shown next to its field', async () => {
      await off.click('form.filters button:has-text("新增")');
      const form = 'form.record';
      await off.fill(`${form} input[name=household_id]`, String(householdId));
      await off.fill(`${form} input[name=name]`, '王测试');
      const good = idNumber('150781', '19850312', '123');
      const bad = wrongCheck(good);
      await off.fill(`${form} input[name=id_number]`, bad);
      await off.click(`${form} button[type=submit]`);
      const e = await fieldError(off, form, 'id_number');
      ok(e.text.includes('校验码') && e.text.includes(good[17]), 'the check digit error is in Chinese with the right digit', e.text);
      ok(e.placed, 'the error sits next to the ID number field');
      await shot(off, 'registry-field-error');
      await off.fill(`${form} input[name=id_number]`, good);
      await off.fill(`${form} input[name=phone]`, '1380000');
      await off.click(`${form} button[type=submit]`);
      const p = await fieldError(off, form, 'phone');
      ok(p.text.includes('手机号应为 11 位'), 'the phone error is in Chinese', p.text);
      await off.fill(`${form} input[name=phone]`, '13800001234');
      await off.click(`${form} button[type=submit]`);
      await off.locator(form).waitFor({ state: 'detached' });
      const n = await off.evaluate(async (id) => (await (await fetch(`/api/v1/residents?household_id=${id}&q=${encodeURIComponent('王测试')}`)).json()).items.length, householdId);
      eq(n, 1, 'the corrected resident is saved once');
    });

    await step('registry: an import with bad rows lists them and imports nothing', async () => {
      const csv = 'grid,estate,building,unit,room,area,name,id_number,phone,relation,is_owner\n'
        + `150781004004001,华埠小区,1号楼,1,902,88.5,赵导入甲,${idNumber('150781', '19700101', '201')},13900000001,head,是\n`
        + `150781004004001,华埠小区,1号楼,1,902,88.5,钱导入乙,${wrongCheck(idNumber('150781', '19700101', '202'))},,spouse,否\n`
        + `999999999999999,华埠小区,1号楼,1,903,70,孙导入丙,${idNumber('150781', '19700101', '203')},,head,是\n`;
      const file = join(tmp, 'bad.csv');
      await writeFile(file, csv);
      await off.setInputFiles('form.import input[type=file]', file);
      await off.click('form.import button[value=import]');
      await off.locator('table.row-errors tbody tr').first().waitFor();
      const rows = await off.locator('table.row-errors tbody tr').allTextContents();
      ok(rows.length >= 2, 'every bad row is listed', rows);
      ok(rows.some((r) => r.startsWith('3') && r.includes('身份证号')), 'line 3: the ID number', rows);
      ok(rows.some((r) => r.startsWith('4')), 'line 4: the grid', rows);
      const msg = await off.locator('form.import .field-error').first().textContent();
      ok(msg.includes('未导入任何数据'), 'the summary says nothing was imported', msg);
      const n = await off.evaluate(async () => (await (await fetch(`/api/v1/residents?q=${encodeURIComponent('导入')}`)).json()).items.length);
      eq(n, 0, 'nothing was imported');
      await shot(off, 'registry-import-errors');
    });

    await step('map and grids overview draw without tiles', async () => {
      await go(off, base, '/map');
      await off.locator('.map-status', { hasText: '楼栋' }).waitFor();
      const status = await off.locator('.map-status').textContent();
      ok(/楼栋 [1-9]\d* 栋/.test(status), 'the map loads the buildings of the area', status);
      ok(await off.locator('.big-map canvas').count() > 0, 'the map draws vector layers on a canvas');
      eq(await off.locator('.big-map img.leaflet-tile').count(), 0, 'no map tiles');
      await shot(off, 'map');
      await go(off, base, '/grids');
      await off.locator('.chart canvas').waitFor();
      await off.waitForTimeout(600); // the bars grow for 300 ms
      const rows = await off.locator('table.grid-table tbody tr').count();
      eq(rows, 6, '华埠社区 has 6 grids');
      await shot(off, 'grids');
    });

    await step('officials\' screens at 360 px do not overflow', async () => {
      const narrow = await officialCtx.newPage();
      await narrow.setViewportSize(PHONE);
      for (const path of ['/', '/desk', '/registry', '/map', '/grids', '/audit', `/cases/${caseId}`]) {
        await go(narrow, base, path);
        await narrow.waitForLoadState('networkidle');
        await noOverflow(narrow, `official ${path} at 360 px`);
      }
      await narrow.click('#menu-btn');
      await noOverflow(narrow, 'open menu at 360 px');
      await shot(narrow, 'official-menu-360');
      await go(narrow, base, '/desk');
      await narrow.waitForLoadState('networkidle');
      await shot(narrow, 'desk-360');
      await narrow.close();
    });

    ok(foreign.length === 0, 'no request went to a host other than 127.0.0.1', foreign);
    ok(pageErrors.length === 0, 'no script errors in any page', pageErrors);
    ok(server.proc.exitCode === null, 'the server is still running', server.stderr());
  } finally {
    // Each step on its own, so that one failing does not leave a server or a browser behind.
    await browser?.close().catch((e) => ok(false, 'the browser closes', String(e)));
    if (server) await stop(server.proc);
    if (process.env.GG_E2E_KEEP !== '1') await rm(tmp, { recursive: true, force: true });
    else console.log(`kept ${tmp}`);
  }
}

// SIGTERM (the server finishes requests in flight), then SIGKILL after 10 s.
function stop(proc) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  proc.removeAllListeners('exit');
  return new Promise((done) => {
    const timer = setTimeout(() => {
      ok(false, 'the server stops within 10 s of SIGTERM');
      proc.kill('SIGKILL');
    }, 10000);
    proc.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    proc.kill('SIGTERM');
  });
}

// A valid GB 11643 ID number.
function idNumber(region, birth, seq) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const first = region + birth + seq;
  const sum = [...first].reduce((a, c, i) => a + +c * w[i], 0);
  return first + '10X98765432'[sum % 11];
}

function wrongCheck(id) {
  return id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
}

try {
  await main();
} catch (e) {
  ok(false, 'the run raised', e.stack || String(e));
}
console.log(`screenshots in ${SHOTS}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || !passed ? 1 : 0);
