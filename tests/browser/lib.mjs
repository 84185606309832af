// lib.mjs: what both browser suites share: TAP output, a private stack on a free port, Debian's chromium.
import { chromium } from 'playwright-core';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const shots = join(root, 'tests', 'output');
mkdirSync(shots, { recursive: true });

// TAP: one line per test, a diagnostic on failure, a summary at the end.
export const tap = { n: 0, failed: 0 };
export async function test(name, fn) {
  tap.n++;
  try {
    await fn();
    console.log(`ok ${tap.n} - ${name}`);
  } catch (e) {
    tap.failed++;
    console.log(`not ok ${tap.n} - ${name}`);
    for (const line of String(e && e.stack || e).split('\n').slice(0, 8)) console.log(`#   ${line}`);
  }
}
export function assert(cond, msg) { if (!cond) throw new Error(msg); }
export function summary(suite) {
  console.log(`1..${tap.n}`);
  console.log(`# ${suite}: ${tap.n - tap.failed} passed, ${tap.failed} failed`);
  return tap.failed ? 1 : 0;
}
export function setupFailed(e) {
  tap.failed++;
  tap.n++;
  console.log(`not ok ${tap.n} - suite setup`);
  for (const line of String(e && e.stack || e).split('\n').slice(0, 8)) console.log(`#   ${line}`);
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

// A stack of our own (scripts/stack.sh) in a temporary directory on a free port;
// stopped and removed by stop(), also on SIGINT/SIGTERM.
export async function startStack(prefix, extraEnv = {}) {
  const varDir = mkdtempSync(join(tmpdir(), prefix));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, TIENGNOI_VAR: varDir, PORT: String(port), WORKERS: '2', TIENGNOI_BASE_URL: base, ...extraEnv };
  const stop = () => {
    spawnSync(join(root, 'scripts', 'stack.sh'), ['stop'], { env, cwd: root, stdio: 'ignore', timeout: 60000 });
    rmSync(varDir, { recursive: true, force: true });
  };
  process.on('SIGINT', () => { stop(); process.exit(130); });
  process.on('SIGTERM', () => { stop(); process.exit(143); });
  execFileSync(join(root, 'scripts', 'stack.sh'), ['start'], { env, cwd: root, stdio: ['ignore', 'ignore', 'inherit'], timeout: 180000 });
  const sql = (q) => execFileSync('psql', ['-h', join(varDir, 'run'), '-U', 'tiengnoi', '-d', 'tiengnoi', '-At', '-c', q]).toString().trim();
  const admin = (...a) => execFileSync(join(root, 'build', 'tiengnoi-admin'), a, { env, cwd: root }).toString();
  return { varDir, base, env, sql, admin, stop };
}

// The HTML checker's folder: every distinct text/html page the tests are
// served, one file per method+path shape+status (ids and QR tokens become #),
// checked after the suites by the Nu HTML Checker (tests/run.sh). Capped so a
// loop over many ids cannot fill the disk.
export const pagesDir = join(shots, 'html');
const PAGE_CAP = 400;

// pageShape('GET', '/q/ABCDEFGH2345/concern?x=1', 200) -> 'GET_q_N_concern_x_200':
// the file name a page is saved under; one file per shape.
export function pageShape(method, url, status) {
  const u = new URL(url, 'http://x');
  const path = u.pathname.split('/').map((seg) => (/\d|^[A-Z]{12}$/.test(seg) ? '#' : seg)).join('_');
  const keys = [...new Set([...u.searchParams.keys()])].sort().join('_');
  return `${method}${path}${keys ? `_${keys}` : ''}_${status}`.replace(/[^A-Za-z0-9_#.-]/g, '').replace(/#/g, 'N').slice(0, 150);
}

// Saves a page's HTML under pagesDir/SUITE-SHAPE.html unless that shape is
// already there or the cap is reached.
export function savePage(suite, method, url, status, body) {
  mkdirSync(pagesDir, { recursive: true });
  const file = join(pagesDir, `${suite}-${pageShape(method, url, status)}.html`);
  if (existsSync(file) || readdirSync(pagesDir).length >= PAGE_CAP) return;
  writeFileSync(file, body);
}

// Records every HTML document a context of this browser is served (main
// frame navigations, including error pages and the answers to form posts).
function recordPages(suite, browser) {
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...a) => {
    const ctx = await newContext(...a);
    ctx.on('response', async (r) => {
      try {
        const req = r.request();
        if (!req.isNavigationRequest() || r.status() < 200 || (r.status() >= 300 && r.status() < 400)) return;
        if (!(r.headers()['content-type'] || '').startsWith('text/html')) return;
        savePage(suite, req.method(), r.url(), r.status(), await r.body());
      } catch { /* the page closed before its body was read */ }
    });
    return ctx;
  };
  return browser;
}

// Debian's chromium, headless, without the background traffic this closed network refuses.
export function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Runs a suite: a stack of its own (startStack(prefix, extraEnv)) and the
// browser started, body(stack, browser) awaited, both stopped whatever
// happens; a failure outside a test() is reported as the failed "suite
// setup". Exits with summary(suite)'s status.
export async function runSuite(suite, prefix, extraEnv, body) {
  let stack, browser;
  try {
    stack = await startStack(prefix, extraEnv);
    browser = recordPages(suite, await launchBrowser());
    await body(stack, browser);
  } catch (e) {
    setupFailed(e);
  } finally {
    if (browser) await browser.close();
    if (stack) stack.stop();
  }
  process.exit(summary(suite));
}
