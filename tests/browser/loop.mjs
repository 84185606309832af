// loop.mjs: issue 14 walked in a real browser: reports → campaign → brief → round with minutes and commitments → a commitment kept → the workplace page (k >= 5) → statistics; prints TAP.
import { join } from 'node:path';
import { root, test, assert, runSuite } from './lib.mjs';

const img = join(root, 'docs', 'img');
// today in Vietnam (the app's dates), YYYY-MM-DD
const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
const later = (days) => new Date(Date.now() + 7 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);

// A small valid one-page PDF, its xref offsets computed.
function tinyPdf() {
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>'];
  let out = '%PDF-1.4\n';
  const offs = [];
  objs.forEach((o, i) => { offs.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offs.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

await runSuite('loop', 'tiengnoi-loop-', { TIENGNOI_RATELIMIT: 'off' }, async (stack, browser) => {
  const { base, sql, admin } = stack;
  const logins = Object.fromEntries(admin('officer', 'demo-login').trim().split('\n').map((l) => {
    const m = l.match(/:\s+(\S+) \/ (\S+)/);
    return [m[1], m[2]];
  }));
  const phone = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, locale: 'vi-VN' };
  const desk = { viewport: { width: 1280, height: 900 }, locale: 'vi-VN' };
  // statistics of the ward's unit for today, by indicator code (CLI, as /admin/stats)
  const stats = () => Object.fromEntries(JSON.parse(admin('export', 'stats', '--format', 'json', '--unit', 'CD-TANPHONG',
    '--from', today, '--to', today)).indicators.map((i) => [i.code, i.total]));

  admin('workplace', 'add', '--code', 'LOOP-WALK', '--name', 'Công ty Đi Bộ', '--unit', 'CD-TANPHONG');
  const qr = admin('qr', 'create', '--workplace', 'LOOP-WALK').trim();
  const wid = sql("SELECT id FROM workplace WHERE code = 'LOOP-WALK'");
  const before = stats();

  async function login(user) {
    const ctx = await browser.newContext(desk);
    const page = await ctx.newPage();
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', logins[user]);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${base}/admin/`);
    return { ctx, page };
  }
  async function workerSends(category, text) {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${qr}/concern`);
    await page.selectOption('select[name=category]', category);
    await page.fill('textarea[name=text]', text);
    const idem = await page.locator('input[name=_idem]').inputValue();
    await page.getByRole('button', { name: 'Gửi' }).click();
    const receipt = await page.locator('#receipt').innerText();
    await ctx.close();
    return { receipt, id: sql(`SELECT id FROM submission WHERE idempotency_key = '${idem}'`) };
  }

  const sent = [];
  await test('workers send 6 wage and 2 hours reports at one workplace from their phones', async () => {
    for (let i = 0; i < 6; i++) sent.push({ kind: 'wages', ...(await workerSends('wages', `Lương tháng 11 trả chậm, tổ ${i + 1}.`)) });
    for (let i = 0; i < 2; i++) sent.push({ kind: 'hours', ...(await workerSends('hours', `Làm thêm quá giờ, ca ${i + 1}.`)) });
    assert(sent.every((s) => /^\d+$/.test(s.id) && s.receipt.length > 0), 'each report stored with a receipt');
    assert(sql(`SELECT count(*) FROM submission WHERE workplace_id = ${wid}`) === '8', 'eight reports at the workplace');
  });

  const ward = await login('demo.tanphong');
  await test('the ward officer resolves the 8 reports through the report page', async () => {
    for (const s of sent) {
      await ward.page.goto(`${base}/admin/s/${s.id}`);
      await ward.page.selectOption('#f-status', 'resolved');
      await ward.page.getByRole('button', { name: 'Đổi trạng thái' }).click();
      assert(await ward.page.locator('#status').getAttribute('data-status') === 'resolved', `report ${s.id} resolved`);
    }
  });

  await test('an agreement is registered with its PDF', async () => {
    const p = ward.page;
    await p.goto(`${base}/admin/agreements`);
    await p.selectOption('form[action="/admin/agreements"] select[name=workplace]', wid);
    await p.fill('input[name=signed]', later(-30));
    await p.fill('input[name=effective]', later(-20));
    await p.fill('input[name=expires]', later(700));
    await p.setInputFiles('input[name=file]', { name: 'thoa-uoc.pdf', mimeType: 'application/pdf', buffer: tinyPdf() });
    await p.getByRole('button', { name: 'Ghi vào sổ' }).click();
    await p.waitForLoadState();
    assert(sql(`SELECT count(*) FROM collective_agreement WHERE workplace_id = ${wid}`) === '1', `registered: ${(await p.content()).slice(0, 300)}`);
    assert((await p.content()).includes('thoa-uoc.pdf'), 'the register lists its PDF');
    await p.screenshot({ path: join(img, 'console-agreements.png'), fullPage: true });
  });

  const adm = await login('demo.tinh');
  let campaign;
  await test('the admin opens a survey campaign; workers answer it; it is closed with 3 answers', async () => {
    const p = adm.page;
    await p.goto(`${base}/admin/campaigns`);
    await p.selectOption('form[action="/admin/campaigns"] select[name=workplace]', wid);
    await p.fill('input[name=starts]', later(-1));
    await p.fill('input[name=ends]', later(10));
    await p.fill('input[name=target]', '20');
    await p.getByRole('button', { name: 'Mở đợt khảo sát' }).click();
    await p.waitForURL(/\/admin\/campaigns\/\d+/);
    campaign = p.url().match(/campaigns\/(\d+)/)[1];
    const token = sql(`SELECT e.token FROM survey_campaign c JOIN entry_point e ON e.id = c.entry_point_id WHERE c.id = ${campaign}`);
    for (let i = 0; i < 3; i++) {
      const ctx = await browser.newContext(phone);
      const w = await ctx.newPage();
      await w.goto(`${base}/q/${token}/bargaining_survey`);
      await w.selectOption('select[name="priorities:wages"]', '1');
      await w.getByRole('button', { name: 'Gửi' }).click();
      await w.locator('#receipt').waitFor();
      await ctx.close();
    }
    await p.reload();
    assert((await p.content()).includes('3 / 20'), 'the live response rate: 3 / 20');
    await p.screenshot({ path: join(img, 'console-campaign.png'), fullPage: true });
    await p.getByRole('button', { name: 'Chốt' }).click();
    await p.waitForLoadState();
    assert(sql(`SELECT answers FROM survey_campaign WHERE id = ${campaign} AND closed_at IS NOT NULL`) === '3', 'closed with three answers frozen');
    await p.goto(`${base}/admin/campaigns`);
    await p.screenshot({ path: join(img, 'console-campaigns.png'), fullPage: true });
  });

  let round;
  await test('the brief starts a bargaining round (frozen) that takes up the reports', async () => {
    const p = ward.page;
    await p.goto(`${base}/admin/brief?workplace=${wid}&from=${later(-7)}&to=${today}&k=5`);
    const form = p.locator('form.round-new');
    assert(await form.count() >= 1, 'the brief offers to start a round');
    await form.locator('select[name=kind]').selectOption('bargaining');
    await form.locator('input[name=held]').fill(today);
    await p.getByRole('button', { name: 'Bắt đầu phiên' }).click();
    await p.waitForURL(/\/admin\/rounds\/\d+/);
    round = p.url().match(/rounds\/(\d+)/)[1];
    assert((await p.locator('#brief-frozen').innerText()).length > 20, 'the brief kept frozen in the round');
    await p.getByRole('button', { name: 'Thêm các phản ánh trong kỳ của bản tóm tắt' }).click();
    await p.waitForLoadState();
    const linked = sql(`SELECT count(*) FROM round_submission WHERE round_id = ${round} AND submission_id IN (${sent.map((s) => s.id).join(',')})`);
    assert(linked === '8', `the eight reports linked: ${linked}`);
    const listed = await p.locator(`#round-reports li[data-report="${sent[0].id}"]`).innerText();
    assert(listed.includes('Tâm tư, kiến nghị') && !listed.includes('concern'), `listed by the form's title: ${listed}`);
  });

  await test('minutes and participants recorded; a commitment added and kept on time', async () => {
    const p = ward.page;
    await p.goto(`${base}/admin/rounds/${round}`);
    await p.fill('input[name=employer_reps]', '2');
    await p.fill('input[name=union_reps]', '3');
    await p.fill('input[name=worker_reps]', '4');
    await p.fill('textarea[name=minutes]', 'Hai bên thống nhất trả lương trước ngày 10 hằng tháng.');
    await p.locator('form[action$="/admin/rounds/' + round + '"]').getByRole('button', { name: 'Lưu' }).click();
    await p.waitForLoadState();
    assert(sql(`SELECT employer_reps || '/' || union_reps || '/' || worker_reps FROM workplace_round WHERE id = ${round}`) === '2/3/4',
      'participants stored by role');
    await p.fill('textarea[name=text]', 'Trả lương trước ngày 10 hằng tháng');
    await p.fill('input[name=due]', later(20));
    await p.getByRole('button', { name: 'Ghi cam kết' }).click();
    await p.waitForLoadState();
    const cid = sql(`SELECT id FROM round_commitment WHERE round_id = ${round}`);
    assert(/^\d+$/.test(cid), 'the commitment stored');
    const settle = p.locator(`form[action="/admin/commitments/${cid}"]`);
    await settle.locator('select[name=status]').selectOption('done');
    await settle.locator('input[name=on]').fill(today);
    await settle.locator('textarea[name=evidence]').fill('Bảng lương tháng 12 đã trả ngày 8.');
    await settle.getByRole('button', { name: 'Ghi kết quả' }).click();
    await p.waitForLoadState();
    assert(await p.locator(`#commitment-list tr[data-id="${cid}"]`).getAttribute('data-status') === 'done', 'kept');
    await p.screenshot({ path: join(img, 'console-round.png'), fullPage: true });
    await p.goto(`${base}/admin/rounds`);
    assert(await p.locator(`#rounds tr[data-id="${round}"]`).count() === 1, 'listed');
    await p.screenshot({ path: join(img, 'console-rounds.png'), fullPage: true });
  });

  await test('the results page is previewed (wages, 6; hours, 2, hidden) and approved', async () => {
    const p = ward.page;
    await p.goto(`${base}/admin/results/${wid}`);
    const preview = await p.locator('#results').innerText();
    assert(preview.includes('Tiền lương') && /\b6\b/.test(preview), `wages line: ${preview}`);
    assert(!preview.includes('Giờ làm'), 'hours under k = 5 not in the preview');
    await p.screenshot({ path: join(img, 'console-results.png'), fullPage: true });
    await p.getByRole('button', { name: 'Duyệt và công bố bản này' }).click();
    await p.waitForLoadState();
    assert(sql(`SELECT count(*) FROM workplace_result WHERE workplace_id = ${wid} AND withdrawn_at IS NULL`) === '1', 'approved');
    await p.goto(`${base}/admin/stoppages`);
    await p.screenshot({ path: join(img, 'console-stoppages.png'), fullPage: true });
  });

  await test('a worker sees what the union did on the QR landing and results pages; below k hidden', async () => {
    const ctx = await browser.newContext(phone);
    const w = await ctx.newPage();
    await w.goto(qr);
    const landing = await w.locator('#results').innerText();
    assert(landing.includes('Tiền lương'), `landing shows the wages line: ${landing}`);
    assert(!landing.includes('Giờ làm'), 'landing hides the hours line');
    await w.goto(`${qr}/ket-qua`);
    const own = await w.locator('main').innerText();
    assert(own.includes('Công đoàn đã làm gì') && own.includes('Tiền lương'), 'the results page shows the wages line');
    assert(/1 \/ 1/.test(own), `the kept commitment counted: ${own}`);
    assert(!own.includes('Giờ làm'), 'the results page hides the hours line');
    await w.screenshot({ path: join(img, 'worker-results.png'), fullPage: true });
    // the receipt page shows the round that took the report up
    await w.goto(`${base}/status`);
    await w.fill('input[name=receipt]', sent[0].receipt);
    await w.getByRole('button', { name: 'Xem' }).click();
    const rounds = await w.locator('#rounds').innerText();
    assert(rounds.includes('Thương lượng tập thể'), `the round shown: ${rounds}`);
    await ctx.close();
  });

  await test('statistics count the agreement, the bargaining round and the kept commitment', async () => {
    const after = stats();
    for (const code of ['agreements.valid', 'bargaining.rounds', 'commitments.kept_on_time'])
      assert(after[code] === before[code] + 1, `${code}: ${before[code]} → ${after[code]}`);
    const p = ward.page;
    await p.goto(`${base}/admin/stats?from=${today}&to=${today}`);
    assert(await p.locator('tr[data-code="commitments.kept_on_time"]').count() === 1, 'the stats page lists the indicator');
  });
  await ward.ctx.close();
  await adm.ctx.close();
});
