// console.mjs: real-browser tests of the officer console (Debian chromium + playwright-core); prints TAP.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, shots, test, assert, runSuite } from './lib.mjs';

await runSuite('console', 'tiengnoi-console-', { TIENGNOI_RATELIMIT: 'off' }, async (stack, browser) => {
  const { varDir, base, sql, admin } = stack;
  const urls = admin('qr', 'list').trim().split('\n').map((l) => l.split('\t')[0]);
  const logins = Object.fromEntries(admin('officer', 'demo-login').trim().split('\n').map((l) => {
    const m = l.match(/:\s+(\S+) \/ (\S+)/);
    return [m[1], m[2]];
  }));
  const phone = { viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true, locale: 'vi-VN' };
  const desk = { viewport: { width: 1280, height: 900 }, locale: 'vi-VN' };

  async function workerSends(url, text, extra) {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${url}/concern`);
    await page.selectOption('select[name=category]', 'wages');
    await page.fill('textarea[name=text]', text);
    if (extra) await extra(page);
    const idem = await page.locator('input[name=_idem]').inputValue();
    await page.getByRole('button', { name: 'Gửi' }).click();
    const receipt = await page.locator('#receipt').innerText();
    await ctx.close();
    return { receipt, id: sql(`SELECT id FROM submission WHERE idempotency_key = '${idem}'`) };
  }
  async function login(user) {
    const ctx = await browser.newContext(desk);
    const page = await ctx.newPage();
    await page.goto(`${base}/admin/`);
    await page.waitForURL(/\/admin\/login/);
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', logins[user]);
    if (user === 'demo.tinh') await page.screenshot({ path: join(shots, 'console-login.png') });
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(`${base}/admin/`);
    return { ctx, page };
  }

  const report = await workerSends(urls[0], 'Công ty nợ lương tháng 9 và 10 của cả tổ may 5.');
  const other = await workerSends(urls[1], 'Nhà máy chè chưa đóng bảo hiểm cho công nhân thời vụ.');

  await test('an officer triages a report end to end: status, message, the worker answers, assign, resolve', async () => {
    const { ctx, page } = await login('demo.tinh');
    const row = page.locator('table.queue tbody tr', { hasText: 'tổ may 5' });
    assert(await row.count() === 1, 'the new report is in the queue');
    assert((await row.getAttribute('class')).includes('new'), 'new reports stand out');
    await page.screenshot({ path: join(shots, 'console-queue.png'), fullPage: true });
    await row.locator('a').click();
    await page.waitForURL(/\/admin\/s\/\d+$/);
    await page.selectOption('#f-status', 'in_review');
    await page.getByRole('button', { name: 'Đổi trạng thái' }).click();
    assert(await page.locator('#status').getAttribute('data-status') === 'in_review', 'status changed');
    await page.fill('#f-message', 'Bạn làm ở tổ may số mấy? Lương tháng 10 đã trả chưa?');
    await page.getByRole('button', { name: 'Gửi tin nhắn' }).click();
    await page.locator('#thread .from-union').waitFor();
    await page.fill('#f-note', 'Đã gọi chủ tịch CĐCS để xác minh.');
    await page.getByRole('button', { name: 'Lưu ghi chú' }).click();
    await page.locator('#notes li').waitFor();

    // the worker reads the question with their receipt and answers
    const w = await browser.newContext(phone);
    const wp = await w.newPage();
    await wp.goto(`${base}/status`);
    await wp.fill('input[name=receipt]', report.receipt);
    await wp.getByRole('button', { name: 'Xem' }).click();
    assert((await wp.locator('.from-union .body').innerText()).includes('tổ may số mấy'), 'worker sees the question');
    await wp.fill('textarea[name=reply]', 'Tổ may 5, chưa trả tháng 10.');
    await wp.getByRole('button', { name: 'Gửi' }).click();
    await wp.locator('#reply-sent').waitFor();
    await w.close();

    await page.reload();
    assert((await page.locator('#thread .from-worker .body').innerText()) === 'Tổ may 5, chưa trả tháng 10.', 'the worker\'s answer shows');
    await page.selectOption('#f-assignee', { label: 'Cán bộ demo LĐLĐ tỉnh' });
    await page.getByRole('button', { name: 'Giao việc' }).click();
    await page.selectOption('#f-status', 'resolved');
    await page.getByRole('button', { name: 'Đổi trạng thái' }).click();
    assert(await page.locator('#status').getAttribute('data-status') === 'resolved', 'resolved');
    await page.screenshot({ path: join(shots, 'console-report.png'), fullPage: true });
    const actions = sql(`SELECT string_agg(action, ',' ORDER BY id) FROM audit_log WHERE object = 'submission:${report.id}'`);
    assert(actions === 'report.status,report.message,report.note,report.assign,report.status', `audited: ${actions}`);
    await ctx.close();
  });

  await test('search ignores accents: "no luong" finds "nợ lương"', async () => {
    const { ctx, page } = await login('demo.tinh');
    await page.keyboard.press('/');
    await page.keyboard.type('no luong');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=no\+luong/);
    assert(await page.locator('table.queue tbody tr', { hasText: 'tổ may 5' }).count() === 1, 'found');
    assert(await page.locator('table.queue tbody tr', { hasText: 'chè' }).count() === 0, 'only matches');
    await ctx.close();
  });

  await test('a ward officer sees only their workplaces; another unit\'s report is 404', async () => {
    const { ctx, page } = await login('demo.tanphong');
    assert(await page.locator('table.queue tbody tr', { hasText: 'tổ may 5' }).count() === 1, 'own workplace visible');
    assert(await page.locator('table.queue tbody tr', { hasText: 'chè' }).count() === 0, 'other unit hidden');
    const r = await page.goto(`${base}/admin/s/${other.id}`);
    assert(r.status() === 404, `out of scope → ${r.status()}`);
    await ctx.close();
  });

  await test('contact details stay hidden until "reveal", which is recorded', async () => {
    const withContact = await workerSends(urls[0], 'Xin gọi lại cho tôi sau giờ làm.', async (p) => {
      await p.click('#q-contact > summary');   // folded until opened
      await p.fill('input[name=contact_phone]', '0912 345 678');
      await p.check('input[name=contact_consent]');
    });
    const { ctx, page } = await login('demo.tinh');
    await page.goto(`${base}/admin/s/${withContact.id}`);
    assert(!(await page.content()).includes('0912345678'), 'not shown before reveal');
    await page.click('#reveal');
    assert((await page.locator('#contact').innerText()).includes('0912345678'), 'shown after reveal');
    assert(!(await page.locator('#contact').innerText()).includes('{'), 'labelled fields, not raw JSON');
    assert((await page.locator('#contact dt').first().innerText()).includes('Điện thoại'), 'the phone is labelled');
    assert((await page.locator('#c-phone').getAttribute('href')) === 'tel:0912345678', 'the phone is a tel: link');
    assert(await page.locator('#contact button.copy').first().isVisible(), 'with JS a copy button is shown');
    assert(sql(`SELECT count(*) FROM audit_log WHERE action = 'contact.reveal' AND object = 'submission:${withContact.id}'`) === '1', 'audited');
    await ctx.close();
  });

  await test('a report taken by phone goes through the same form and gets a receipt to read out', async () => {
    const { ctx, page } = await login('demo.tanphong');
    await page.goto(`${base}/admin/enter`);
    await page.selectOption('#f-workplace', { label: 'Công ty TNHH May mặc Tân Phong' });
    await page.selectOption('#f-form', 'meal');
    await page.check('input[name=channel][value=phone]');
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
    await page.selectOption('select[name=meals_provided]', 'provided');
    await page.selectOption('select[name=quality]', 'poor');
    await page.click('#q-details > summary');   // an optional free text is folded
    await page.fill('textarea[name=details]', 'Chị Hoa gọi điện: cơm thiếu, canh nguội.');
    await page.screenshot({ path: join(shots, 'console-enter.png'), fullPage: true });
    await page.getByRole('button', { name: 'Lưu phản ánh' }).click();
    const receipt = await page.locator('#receipt').innerText();
    assert(/^\d{4} \d{4} \d{4} \d{4}$/.test(receipt), `receipt ${receipt}`);
    const row = sql(`SELECT channel, entered_by IS NOT NULL, entry_point_id IS NULL FROM submission WHERE answers->>'details' LIKE 'Chị Hoa%'`);
    assert(row === 'phone|t|t', `stored with channel and officer: ${row}`);
    await ctx.close();
  });

  await test('hostile text from a worker is shown escaped in the console', async () => {
    const evil = await workerSends(urls[0], '<img src=x onerror=alert(1)><script>alert(2)</script>');
    const { ctx, page } = await login('demo.tinh');
    let dialogs = 0;
    page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
    await page.goto(`${base}/admin/`);
    await page.goto(`${base}/admin/s/${evil.id}`);
    assert((await page.locator('dl.answers').innerText()).includes('<script>alert(2)</script>'), 'shown as text');
    assert(dialogs === 0 && await page.locator('dl.answers img').count() === 0, 'nothing executed');
    await ctx.close();
  });
  await test('an admin adds a workplace and a QR code, prints its poster, and the printed QR decodes', async () => {
    const { ctx, page } = await login('demo.tinh');
    await page.goto(`${base}/admin/workplaces`);
    await page.fill('#f-new-code', 'CHE-BINHLU');
    await page.fill('#f-new-name', 'Hợp tác xã Chè Bình Lư');
    await page.fill('#f-new-tax_code', '6200456789');
    await page.getByRole('button', { name: 'Thêm', exact: true }).click();
    await page.waitForURL(/\/admin\/workplaces\/\d+/);
    await page.fill('#f-qr-label', 'Nhà ăn ca');
    await page.getByRole('button', { name: 'Tạo mã QR' }).click();
    await page.locator('#notice a').click();
    await page.waitForURL(/\/admin\/qr\/\d+\/poster$/);
    const token = sql(`SELECT e.token FROM entry_point e JOIN workplace w ON w.id = e.workplace_id WHERE w.code = 'CHE-BINHLU'`);
    assert((await page.content()).includes('0213 3876 543'), 'the poster carries the union hotline');
    await page.screenshot({ path: join(shots, 'console-poster.png'), fullPage: true });
    const qr = join(varDir, 'poster-qr.png');
    await page.locator('img').first().screenshot({ path: qr });
    const decoded = execFileSync('zbarimg', ['--raw', '-q', '--nodbus', qr]).toString().trim();
    assert(decoded === `${base}/Q/${token}`.toUpperCase(), `QR decodes to the upper-case URL: ${decoded}`);
    const w = await browser.newContext(phone);
    const wp = await w.newPage();
    await wp.goto(decoded);
    assert((await wp.locator('h1').innerText()) === 'Hợp tác xã Chè Bình Lư', 'the scanned URL opens the workplace');
    await w.close();
    await ctx.close();
  });
  await test('from reports to a case, its dossier, and the printed dialogue brief', async () => {
    const wage = async (amount, text) => {
      const ctx = await browser.newContext(phone);
      const page = await ctx.newPage();
      await page.goto(`${urls[0]}/wage_arrears`);
      await page.selectOption('select[name="months_owed:from"]', { index: 2 });
      await page.fill('input[name=amount]', amount);
      await page.selectOption('select[name=amount_basis]', 'total');
      await page.selectOption('select[name=coworkers]', 't11_50');
      await page.click('#q-details > summary');
      await page.fill('textarea[name=details]', text);
      const idem = await page.locator('input[name=_idem]').inputValue();
      await page.getByRole('button', { name: 'Gửi' }).click();
      await page.locator('#receipt').waitFor();
      await ctx.close();
      return sql(`SELECT id FROM submission WHERE idempotency_key = '${idem}'`);
    };
    const first = await wage('12.000.000', 'Tổ may 5 chưa nhận lương tháng 10.');
    const second = await wage('8.500.000', 'Tổ cắt cũng chưa nhận lương.');
    const { ctx, page } = await login('demo.tinh');
    await page.goto(`${base}/admin/s/${first}`);
    await page.click('#create-case');
    await page.fill('#f-title', 'Nợ lương tháng 10 tại Công ty May mặc Tân Phong');
    await page.fill('#f-known', '2026-11-05');
    await page.getByRole('button', { name: 'Tạo vụ việc' }).click();
    await page.waitForURL(/\/admin\/cases\/\d+$/);
    assert((await page.locator('#deadlines').innerText()).includes('Điều 190'), 'deadlines name their legal source');
    await page.fill('input[name=submission]', second);
    await page.getByRole('button', { name: 'Liên kết' }).click();
    await page.selectOption('#f-stage', 'verification');
    await page.getByRole('button', { name: 'Chuyển giai đoạn' }).click();
    assert(await page.locator('#events li').count() >= 3, 'created, linked and staged events listed');
    assert((await page.locator('#totals').innerText()).includes('20.500.000'), 'totals from both reports');
    // a document through the real file input: a JPEG with GPS, stored without it
    const caseUrl = page.url();
    const gpsJpg = join(root, 'tests', 'unit', 'fixtures', 'photos', 'gps.jpg');
    const exif = Buffer.from('Exif\0\0');
    assert(readFileSync(gpsJpg).includes(exif), 'the fixture carries an EXIF block');
    await page.setInputFiles('#f-file', gpsJpg);
    await page.fill('#f-attach-note', 'Ảnh bảng lương dán ở nhà xưởng');
    await page.getByRole('button', { name: 'Tải lên' }).click();
    await page.waitForURL(/\/admin\/cases\/\d+#attachments$/);
    const docRow = page.locator('#attachments tbody tr');
    assert(await docRow.count() === 1 && (await docRow.innerText()).includes('gps.jpg'), 'the document is listed');
    const sha = await docRow.locator('code.hash').getAttribute('data-sha256');
    const href = await docRow.locator('a').getAttribute('href');
    const got = await page.request.get(`${base}${href}`);
    assert(got.status() === 200 && got.headers()['content-security-policy'].includes('sandbox'), 'it downloads, sandboxed');
    assert(createHash('sha256').update(await got.body()).digest('hex') === sha, 'the listed sha256 is the downloaded bytes\'');
    assert(!(await got.body()).includes(exif), 'no EXIF (GPS) block left in the stored image');
    assert((await page.locator('#events').innerText()).includes('Ảnh bảng lương'), 'the upload is in the history with its note');
    // a refused file keeps the note
    await page.setInputFiles('#f-file', { name: 'quyet-dinh.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script>') });
    await page.fill('#f-attach-note', 'Quyết định giả');
    await page.getByRole('button', { name: 'Tải lên' }).click();
    assert((await page.locator('#problem').innerText()).includes('PDF'), 'a disguised web page is refused by content');
    assert(await page.locator('#f-attach-note').inputValue() === 'Quyết định giả', 'with the note kept');
    // edit the case: the discovery date moves, the deadlines follow
    await page.goto(caseUrl);
    const before = await page.locator('tr[data-code=ind_mediator]').getAttribute('data-due');
    await page.locator('#edit summary').click();
    await page.fill('#f-known', '2026-10-01');
    await page.selectOption('#f-scope', 'collective');
    await page.fill('#f-reason', 'NLĐ xác nhận phát hiện từ đầu tháng 10');
    await page.locator('#edit').screenshot({ path: join(shots, 'console-case-edit.png') });
    await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
    await page.waitForURL(caseUrl);
    assert(before === '2027-05-05' && await page.locator('tr[data-code=col_mediator]').getAttribute('data-due') === '2027-04-01',
      'the collective limitation now counts from the new date');
    assert((await page.locator('#events').innerText()).includes('«2026-11-05» → «2026-10-01»'), 'the edit is in the history, old → new');
    await page.screenshot({ path: join(shots, 'console-case.png'), fullPage: true });
    await page.locator('#dossier a').first().click();
    await page.waitForURL(/\/admin\/dossier\/\d+$/);
    const dossier = await page.content();
    assert(dossier.includes('Tổ cắt cũng chưa nhận lương.') && dossier.includes('Điều 194'),
      'the dossier holds both reports and the deadlines of the case as edited (collective: Art. 194)');
    assert(dossier.includes(sha), 'and the document with its full sha256');
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: join(shots, 'console-dossier.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });
    const wp = sql("SELECT id FROM workplace WHERE code = 'MAY-TANPHONG'");
    await page.goto(`${base}/admin/brief?workplace=${wp}&from=2026-01-01&to=2026-12-31&k=5`);
    const brief = await page.locator('main').innerText();
    assert(/dưới 5/.test(brief), 'small counts are hidden in the brief');
    await page.emulateMedia({ media: 'print' });
    assert(!(await page.locator('header').isVisible()), 'the printed brief has no console header');
    await page.screenshot({ path: join(shots, 'console-brief.png'), fullPage: true });
    await ctx.close();
  });
  await test('an admin records a data-subject request by receipt, sees what is held, downloads it and acknowledges', async () => {
    const asked = await workerSends(urls[0], 'Tôi muốn xem lại phản ánh về ca đêm của tổ hoàn thiện.');
    const { ctx, page } = await login('demo.tinh');
    await page.locator('nav#menu summary', { hasText: 'Quản trị' }).click();
    await page.getByRole('link', { name: 'Yêu cầu dữ liệu' }).click();
    await page.waitForURL(`${base}/admin/requests`);
    await page.selectOption('#f-kind', 'access');
    await page.fill('#f-receipt', asked.receipt);
    await page.getByRole('button', { name: 'Ghi nhận', exact: true }).click();
    await page.waitForURL(/\/admin\/requests\/\d+\?done=added$/);
    assert((await page.locator('#export').innerText()).includes('ca đêm của tổ hoàn thiện'), 'what is held is shown');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    assert(/^yeu-cau-\d+\.json$/.test(download.suggestedFilename()), `download name ${download.suggestedFilename()}`);
    await page.screenshot({ path: join(shots, 'console-requests.png'), fullPage: true });
    await page.click('#do-ack');
    await page.waitForURL(/done=ack$/);
    assert((await page.locator('#request').innerText()).includes('Đã xác nhận'), 'the request is acknowledged');
    await ctx.close();
    const officer = await login('demo.tanphong');
    assert(await officer.page.locator('a[href="/admin/requests"]').count() === 0, 'officers have no requests link');
    const r = await officer.page.goto(`${base}/admin/requests`);
    assert(r.status() === 403, `an officer opens the requests page: ${r.status()}`);
    await officer.ctx.close();
  });
  await test('an admin corrects a holiday on the calendar page', async () => {
    const { ctx, page } = await login('demo.tinh');
    await page.goto(`${base}/admin/calendar?year=2028`);
    const row = page.locator('tr[data-day="2028-04-04"]');
    assert((await row.innerText()).includes('Giỗ Tổ Hùng Vương'), 'the 2028 Hùng Kings day is listed');
    await row.getByRole('link', { name: 'Sửa' }).click();
    assert(await page.locator('#f-day').inputValue() === '2028-04-04', 'the form holds the day to correct');
    await page.fill('#f-source', 'Thông báo của Bộ Nội vụ về lịch nghỉ năm 2028');
    await page.locator('form:has(#f-day) button[type=submit]').click();
    await page.waitForURL(/done=corrected$/);
    assert((await row.innerText()).includes('Thông báo của Bộ Nội vụ về lịch nghỉ năm 2028'), 'the corrected source is shown');
    await page.screenshot({ path: join(shots, 'console-calendar.png'), fullPage: true });
    await ctx.close();
  });
  await test('the menu: one row at 1280 px, every entry reachable by mouse and keyboard; one Menu button at 375 px', async () => {
    const { ctx, page } = await login('demo.tinh');
    const header = await page.locator('header').boundingBox();
    assert(header.height < 70, `the header is one row: ${header.height} px`);
    console.log(`# header height at 1280 px: ${header.height} px`);
    assert(!(await page.locator('#menu-button').isVisible()), 'no Menu button at 1280 px');
    const summaries = page.locator('nav#menu > details > summary');
    const labels = await summaries.allInnerTexts();
    assert(JSON.stringify(labels.map((l) => l.trim())) === JSON.stringify(['Phản ánh', 'Vụ việc', 'Nơi làm việc & mã QR', 'Số liệu', 'Quản trị']),
      `five groups: ${labels}`);
    const tops = [];
    for (let i = 0; i < labels.length; i++) tops.push((await summaries.nth(i).boundingBox()).y);
    assert(Math.max(...tops) - Math.min(...tops) < 2, `the groups sit on one row: ${tops}`);
    assert((await summaries.first().getAttribute('class')) === 'here', 'the queue\'s group is marked as the current one');
    // every entry an admin has is reachable: open each group, its links are visible
    const want = ['/admin/', '/admin/enter', '/admin/surveys', '/admin/export', '/admin/cases', '/admin/brief', '/admin/agreements',
      '/admin/stoppages', '/admin/rounds', '/admin/workplaces',
      '/admin/units', '/admin/dashboard', '/admin/stats', '/admin/account', '/admin/tokens', '/admin/officers', '/admin/audit',
      '/admin/requests', '/admin/calendar', '/admin/outbox'];
    const seen = [];
    for (let i = 0; i < labels.length; i++) {
      await summaries.nth(i).click();
      const links = page.locator(`nav#menu > details:nth-of-type(${i + 1}) a`);
      for (let k = 0; k < await links.count(); k++) {
        assert(await links.nth(k).isVisible(), `link ${k} of ${labels[i]} is visible once its group is open`);
        seen.push(await links.nth(k).getAttribute('href'));
      }
      assert(await page.locator('nav#menu details[open]').count() === 1, 'one group open at a time');
    }
    assert(JSON.stringify(seen) === JSON.stringify(want), `every entry: ${seen}`);
    await page.screenshot({ path: join(shots, 'console-menu-1280.png') });
    await page.locator('nav#menu summary', { hasText: 'Phản ánh' }).click();
    await page.locator('nav#menu').getByRole('link', { name: 'Kết quả khảo sát' }).click();
    await page.waitForURL(`${base}/admin/surveys`);
    assert((await page.locator('h1').innerText()) === 'Kết quả khảo sát', 'the survey results page');
    // the keyboard: Tab to a group, Enter opens it, Tab to a link, Enter follows it; Escape closes a group
    await page.goto(`${base}/admin/`);
    let name = '';
    for (let i = 0; i < 10 && name !== 'Số liệu'; i++) {
      await page.keyboard.press('Tab');
      name = await page.evaluate(() => document.activeElement.tagName === 'SUMMARY' ? document.activeElement.textContent.trim() : '');
    }
    assert(name === 'Số liệu', 'Tab reaches the groups');
    await page.keyboard.press('Enter');
    assert(await page.locator('nav#menu details[data-group=figures]').getAttribute('open') !== null, 'Enter opens the group');
    await page.keyboard.press('Escape');
    assert(await page.locator('nav#menu details[data-group=figures]').getAttribute('open') === null, 'Escape closes it');
    assert(await page.evaluate(() => document.activeElement.textContent.trim()) === 'Số liệu', 'focus back on the group');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    assert(await page.evaluate(() => document.activeElement.getAttribute('href')) === '/admin/stats', 'Tab walks into the group');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${base}/admin/stats`);
    await ctx.close();

    // 375 px: one Menu button opens the groups (no script needed: a popover); links work
    const small = await browser.newContext({ viewport: { width: 375, height: 700 }, isMobile: true, hasTouch: true, locale: 'vi-VN' });
    const p = await small.newPage();
    await p.goto(`${base}/admin/login`);
    await p.fill('input[name=username]', 'demo.tanphong');
    await p.fill('input[name=password]', logins['demo.tanphong']);
    await p.getByRole('button', { name: 'Đăng nhập' }).click();
    await p.waitForURL(`${base}/admin/`);
    assert(await p.locator('#menu-button').isVisible(), 'a Menu button at 375 px');
    assert(!(await p.locator('nav#menu').isVisible()), 'the groups are folded away');
    const h = (await p.locator('header').boundingBox()).height;
    assert(h < 70, `a one-row header at 375 px: ${h} px`);
    await p.locator('#menu-button').tap();
    assert(await p.locator('nav#menu').isVisible(), 'the button opens the menu');
    await p.locator('nav#menu summary', { hasText: 'Vụ việc' }).tap();
    await p.screenshot({ path: join(shots, 'console-menu-375.png') });
    assert(await p.locator('nav#menu a[href="/admin/officers"]').count() === 0, 'an officer sees no admin entries');
    await p.getByRole('link', { name: 'Tóm tắt đối thoại' }).tap();
    await p.waitForURL(`${base}/admin/brief`);
    // the keyboard: Enter on the button opens, Escape closes
    await p.locator('#menu-button').focus();
    await p.keyboard.press('Enter');
    assert(await p.locator('nav#menu').isVisible(), 'Enter on the button opens the menu');
    await p.keyboard.press('Escape');
    assert(!(await p.locator('nav#menu').isVisible()), 'Escape closes it');
    await small.close();
  });
});
