// run.mjs: real-browser tests of the worker flow (Debian chromium + playwright-core); prints TAP.
import { chromium } from 'playwright-core';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shots = join(root, 'tests', 'output');
mkdirSync(shots, { recursive: true });

let n = 0, failed = 0;
async function test(name, fn) {
  n++;
  try {
    await fn();
    console.log(`ok ${n} - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${n} - ${name}`);
    for (const line of String(e && e.stack || e).split('\n').slice(0, 8)) console.log(`#   ${line}`);
  }
}
function assert(cond, msg) { if (!cond) throw new Error(msg); }

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

const varDir = mkdtempSync(join(tmpdir(), 'tiengnoi-browser-'));
const port = await freePort();
const env = { ...process.env, TIENGNOI_VAR: varDir, PORT: String(port), WORKERS: '2', TIENGNOI_BASE_URL: `http://127.0.0.1:${port}` };
const base = `http://127.0.0.1:${port}`;
let browser;

function stopStack() {
  spawnSync(join(root, 'scripts', 'stack.sh'), ['stop'], { env, cwd: root, stdio: 'ignore', timeout: 60000 });
  rmSync(varDir, { recursive: true, force: true });
}
process.on('SIGINT', () => { stopStack(); process.exit(130); });
process.on('SIGTERM', () => { stopStack(); process.exit(143); });

try {
  execFileSync(join(root, 'scripts', 'stack.sh'), ['start'], { env, cwd: root, stdio: ['ignore', 'ignore', 'inherit'], timeout: 180000 });
  const list = execFileSync(join(root, 'build', 'tiengnoi-admin'), ['qr', 'list'], { env, cwd: root }).toString();
  const urls = list.trim().split('\n').map((l) => l.split('\t')[0]);
  assert(urls.length >= 3, 'demo data has three QR codes');

  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const phone = { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'vi-VN' };

  for (const js of [true, false]) {
    await test(`phone (${js ? 'with' : 'without'} JavaScript): QR URL → concern form → receipt`, async () => {
      const ctx = await browser.newContext({ ...phone, javaScriptEnabled: js });
      const page = await ctx.newPage();
      const problems = [];
      page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
      let bytes = 0;
      page.on('response', async (r) => { try { bytes += (await r.body()).length; } catch { /* redirects */ } });
      await page.goto(urls[0]);
      assert(await page.locator('h1').innerText() === 'Công ty TNHH May mặc Tân Phong', 'landing shows the workplace');
      await page.getByRole('link', { name: 'Tâm tư, kiến nghị' }).click();
      await page.waitForURL(/\/concern$/);
      await page.screenshot({ path: join(shots, `worker-form${js ? '' : '-nojs'}.png`), fullPage: true });
      assert(bytes < 30 * 1024, `form page weight ${bytes} B is within 30 KB`);
      await page.selectOption('select[name=category]', 'wages');
      await page.fill('textarea[name=text]', 'Công ty chậm trả lương tháng 10 cho tổ may số 3.');
      await page.getByRole('button', { name: 'Gửi' }).click();
      const receipt = await page.locator('#receipt').innerText();
      assert(/^\d{4} \d{4} \d{4} \d{4}$/.test(receipt), `receipt looks like 4×4 digits: ${receipt}`);
      await page.screenshot({ path: join(shots, `worker-receipt${js ? '' : '-nojs'}.png`), fullPage: true });
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert(scroll <= 360, `no horizontal scrolling at 360 px (scrollWidth ${scroll})`);
      assert(problems.length === 0, `no console errors (CSP etc.): ${problems.join(' | ')}`);
      await ctx.close();
    });
  }

  await test('an answer the server refuses comes back with the text kept and the error beside the field', async () => {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${urls[1]}/concern`);
    await page.selectOption('select[name=category]', 'safety');
    await page.fill('textarea[name=text]', '  ');   // passes the browser's `required`, not the server
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.waitForSelector('#e-text');
    assert((await page.locator('#e-text').innerText()).includes('Vui lòng điền'), 'error text in Vietnamese');
    assert(await page.locator('select[name=category]').inputValue() === 'safety', 'category kept');
    assert(await page.locator('textarea[name=text]').getAttribute('aria-invalid') === 'true', 'field marked invalid');
    await ctx.close();
  });

  await test('language switch to English sticks across pages', async () => {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(urls[2]);
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    assert(await page.locator('html').getAttribute('lang') === 'en', 'page is English');
    await page.getByRole('link', { name: 'A concern or suggestion' }).click();
    assert(await page.getByRole('button', { name: 'Send' }).isVisible(), 'next page English too');
    await ctx.close();
  });

  await test('unknown QR code shows a friendly Vietnamese 404 page', async () => {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    const resp = await page.goto(`${base}/q/ZZZZZZZZZZZZ`);
    assert(resp.status() === 404, `status ${resp.status()}`);
    assert((await page.locator('h1').innerText()).includes('Không tìm thấy'), 'readable title');
    await ctx.close();
  });
} catch (e) {
  failed++;
  n++;
  console.log(`not ok ${n} - browser suite setup`);
  for (const line of String(e && e.stack || e).split('\n').slice(0, 8)) console.log(`#   ${line}`);
} finally {
  if (browser) await browser.close();
  stopStack();
}
console.log(`1..${n}`);
console.log(`# browser: ${n - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
