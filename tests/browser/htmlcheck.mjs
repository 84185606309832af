// htmlcheck.mjs: the Nu HTML Checker (vnu-jar, Debian's Java) over every page the suites saved in tests/output/html and static/*.html; one TAP row per page.
// Usage: node tests/browser/htmlcheck.mjs (after the integration and browser
// suites, which save each distinct HTML page they are served: savePage in
// lib.mjs, save_page in tests/integration/harness.py). nginx's own error pages
// (static/*.html) are checked too. One JVM checks all files.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { root, pagesDir, test, assert, summary } from './lib.mjs';

const vnuJar = join(createRequire(import.meta.url).resolve('vnu-jar'), '..', 'build', 'dist', 'vnu.jar');
const java = existsSync('/usr/bin/java') ? '/usr/bin/java' : 'java';
const htmlIn = (dir) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.html')).sort().map((f) => join(dir, f)) : []);
const saved = htmlIn(pagesDir);
const files = [...saved, ...htmlIn(join(root, 'static'))];

await test('the suites saved HTML pages to check', async () => {
  assert(saved.length > 0, `no page in ${pagesDir}: run the integration and browser suites first`);
});
if (saved.length) {
  // --errors-only: warnings (e.g. a redundant role) do not fail the check.
  const run = spawnSync(java, ['-Xss4m', '-jar', vnuJar, '--errors-only', '--format', 'json', ...files],
    { encoding: 'utf8', timeout: 300000, maxBuffer: 64 << 20 });
  let messages = null;
  try {
    messages = JSON.parse(run.stderr).messages;   // vnu writes its report to stderr
  } catch {
    await test('the Nu HTML Checker ran', async () => {
      assert(false, `java -jar vnu.jar gave no JSON report (status ${run.status}): ${String(run.stderr || run.error).slice(0, 500)}`);
    });
  }
  if (messages) {
    const byFile = new Map();
    for (const m of messages) {
      const f = decodeURIComponent(String(m.url || '').replace(/^file:/, ''));
      if (!byFile.has(f)) byFile.set(f, []);
      byFile.get(f).push(m);
    }
    for (const f of files) {
      await test(`valid HTML: ${f.slice(root.length + 1)}`, async () => {
        const errs = byFile.get(f) || [];
        assert(errs.length === 0, `${errs.length} error(s) in ${f}:\n` +
          errs.slice(0, 6).map((m) => `line ${m.lastLine}: ${m.message} [${String(m.extract || '').replace(/\s+/g, ' ').trim()}]`).join('\n'));
      });
    }
    // A message about no saved file (e.g. the checker failed on the folder itself).
    const stray = [...byFile.keys()].filter((f) => !files.includes(f));
    if (stray.length) {
      await test('the Nu HTML Checker reported only on the saved pages', async () => {
        assert(false, stray.map((f) => `${f}: ${byFile.get(f)[0].message}`).join('\n'));
      });
    }
  }
}
process.exit(summary('htmlcheck'));
