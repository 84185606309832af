// run.mjs: real-browser tests of the worker flow (Debian chromium + playwright-core); prints TAP.
import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { root, shots, test, assert, runSuite } from './lib.mjs';

const today = new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);

// How a worker fills each of the seven forms (with JavaScript, conditional
// questions appear only after the answer that asks for them).
const fillers = {
  concern: async (p) => {
    await p.selectOption('select[name=category]', 'wages');
    await p.fill('textarea[name=text]', 'Công ty chậm trả lương tháng 10 cho tổ may số 3.');
  },
  wage_arrears: async (p) => {
    await p.selectOption('select[name="months_owed:from"]', { index: 3 });   // two and one months ago
    await p.selectOption('select[name="months_owed:to"]', { index: 2 });
    await p.fill('input[name=amount]', '12.000.000');
    await p.selectOption('select[name=amount_basis]', 'total');
    await p.selectOption('select[name=coworkers]', 't11_50');
    await p.fill('input[name=payday]', '10');
    await p.check('input[name=payslip][value=no]');
    await p.check('input[name=promised][value=yes]');
    await p.fill('input[name=promised_on]', '2026-12-20');
  },
  social_insurance: async (p) => {
    await p.check('input[name=deducted][value=yes]');
    await p.selectOption('select[name="months_unpaid:from"]', { index: 4 });
    await p.check('input[name=checked_vssid][value=yes]');
    await p.check('input[name=vssid_shows_unpaid][value=yes]');
    await p.selectOption('select[name=health_card]', 'refused');
  },
  safety: async (p) => {
    await p.selectOption('select[name=kind]', 'accident');
    await p.check('input[name=danger_now][value=no]');
    await p.fill('input[name=where]', 'Xưởng cơ khí, máy dập số 2');
    await p.fill('input[name=when]', today);
    await p.fill('textarea[name=description]', 'Máy dập không có tấm che, một người bị kẹp tay.');
    await p.fill('input[name=injured]', '1');
    await p.fill('input[name=dead]', '0');
    await p.check('input[name=investigation][value=unsure]');
    await p.check('input[name=refused_work][value=no]');
  },
  meal: async (p) => {
    await p.selectOption('select[name=meals_provided]', 'provided');
    await p.fill('input[name=meal_value]', '25.000');
    await p.selectOption('select[name=quality]', 'poor');
    await p.check('input[name=problems][value=not_fresh]');
    await p.check('input[name=problems][value=food_poisoning]');
    await p.fill('input[name=incident_date]', today);
    await p.fill('input[name=sick_count]', '12');
  },
  bargaining_survey: async (p) => {
    await p.selectOption('select[name="priorities:wages"]', '1');
    await p.selectOption('select[name="priorities:meals"]', '2');
    await p.selectOption('select[name="priorities:hours"]', '3');
    await p.fill('input[name=wage_rise]', '8');
  },
  stoppage: async (p) => {
    await p.selectOption('select[name=state]', 'happening');
    await p.fill('input[name=since]', today);
    await p.fill('input[name=workers]', '120');
    await p.fill('textarea[name=demands]', 'Trả lương tháng 11 đúng hạn, giảm giờ làm thêm.');
  },
};
const expected = {
  concern: (a) => a.category === 'wages',
  wage_arrears: (a) => a.amount === 12000000 && a.months_owed.length === 2 && a.promised_on === '2026-12-20',
  social_insurance: (a) => a.deducted === 'yes' && a.health_card === 'refused' && a.vssid_shows_unpaid === 'yes' &&
    a.months_unpaid.length === 1,
  safety: (a) => a.kind === 'accident' && a.injured === 1 && a.dead === 0 && a.when === today,
  meal: (a) => a.meal_value === 25000 && a.problems.length === 2 && a.sick_count === 12,
  bargaining_survey: (a) => JSON.stringify(a.priorities) === '["wages","meals","hours"]' && a.wage_rise === 8,
  stoppage: (a) => a.state === 'happening' && a.since === today && a.workers === 120,
};

await runSuite('browser', 'tiengnoi-browser-', {}, async (stack, browser) => {
  const { varDir, base, sql } = stack;
  const list = stack.admin('qr', 'list');
  const urls = list.trim().split('\n').map((l) => l.split('\t')[0]);
  assert(urls.length >= 3, 'demo data has three QR codes');

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

  await test('a phone whose menus are in English gets Vietnamese until English is chosen (issue 12, item 4)', async () => {
    const ctx = await browser.newContext({ ...phone, locale: 'en-US' });
    const page = await ctx.newPage();
    await page.goto(urls[0]);
    assert(await page.locator('html').getAttribute('lang') === 'vi', 'landing page in Vietnamese for an en-US phone');
    assert(await page.getByRole('link', { name: 'Tâm tư, kiến nghị' }).isVisible(), 'Vietnamese choices');
    assert((await ctx.cookies()).every((c) => c.name !== 'lang'), 'no language cookie without a choice');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    assert(await page.locator('html').getAttribute('lang') === 'en', 'English once chosen');
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

  for (const js of [true, false]) {
    for (const form of Object.keys(fillers)) {
      await test(`${form} form filled and sent ${js ? 'with' : 'without'} JavaScript`, async () => {
        const ctx = await browser.newContext({ ...phone, javaScriptEnabled: js });
        const page = await ctx.newPage();
        let bytes = 0;
        page.on('response', async (r) => { try { bytes += (await r.body()).length; } catch { /* none */ } });
        await page.goto(`${urls[2]}/${form}`);
        assert(bytes <= 30 * 1024, `page weight ${bytes} B within 30 KB`);
        await fillers[form](page);
        const idem = await page.locator('input[name=_idem]').inputValue();
        await page.getByRole('button', { name: 'Gửi' }).click();
        const receipt = await page.locator('#receipt').innerText();
        assert(/^\d{4} \d{4} \d{4} \d{4}$/.test(receipt), `receipt ${receipt}`);
        const answers = JSON.parse(sql(`SELECT answers FROM submission WHERE idempotency_key = '${idem}'`));
        assert(expected[form](answers), `stored answers as expected: ${JSON.stringify(answers)}`);
        if (js && form === 'safety') await page.screenshot({ path: join(shots, 'worker-safety-receipt.png'), fullPage: true });
        await ctx.close();
      });
    }
  }

  // issue 12, item 3: short forms, one round of errors, big tap targets
  await test('forms are short at 360 px, every tap target is at least 44 px, "no name needed" said once', async () => {
    const heights = {};
    for (const js of [true, false]) {
      const ctx = await browser.newContext({ ...phone, javaScriptEnabled: js });
      const page = await ctx.newPage();
      const small = [];
      for (const form of ['wage_arrears', 'social_insurance', 'safety', 'concern', 'meal', 'bargaining_survey', 'stoppage']) {
        await page.goto(`${urls[0]}/${form}`);
        heights[`${form}${js ? '' : ' (no JS)'}`] = await page.evaluate(() => document.documentElement.scrollHeight);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        if (wide > 360) small.push(`${form}: scrolls sideways (${wide} px wide)`);
        small.push(...(await page.evaluate((f) => {
          const out = [];
          for (const d of document.querySelectorAll('details')) d.open = true;   // what is folded is measured too
          for (const sel of ['#q-contact', 'details.field'])
            if (!document.querySelector(sel) && !(sel === 'details.field' && ['concern', 'safety', 'stoppage'].includes(f)))
              out.push(`${f}: no ${sel} (the contact block and an optional free text are folded)`);
          for (const el of document.querySelectorAll('a, button, input:not([type=hidden]), select, textarea, summary')) {
            if (el.closest('.hp') || !el.getClientRects().length) continue;
            const target = el.closest('label') || el;          // a box is tapped through its whole label
            const r = target.getBoundingClientRect();
            if (r.height < 44 || r.width < 44) out.push(`${f}: <${el.tagName.toLowerCase()} ${el.name || el.textContent.trim().slice(0, 30)}> ${Math.round(r.width)}×${Math.round(r.height)}`);
            if ((el.type === 'checkbox' || el.type === 'radio') && el.getBoundingClientRect().width < 24)
              out.push(`${f}: ${el.name} box ${el.getBoundingClientRect().width} px wide`);
          }
          return out;
        }, form)));
        const text = await page.locator('main').innerText();
        const said = (text.match(/không cần ghi tên(?! ai)/gi) || []).length;   // "… ghi tên ai" (name nobody else) is another message
        if (said > 1) small.push(`${form}: "không cần ghi tên" ${said} times`);
      }
      assert(small.length === 0, small.join('\n'));
      await ctx.close();
    }
    console.log(`# form heights at 360 px: ${JSON.stringify(heights)}`);
    // Heights at 360×640 (docs/performance.md, "Worker forms at 360 px"): the
    // month range, then the folded contact block and optional free text, only
    // required questions marked, and (without JS) conditional questions hidden
    // by CSS until their answer is chosen. Limits: today's figures + ~3%.
    const limits = { wage_arrears: 2800, social_insurance: 2540, safety: 2400, meal: 1420, concern: 1560,
      stoppage: 1820, bargaining_survey: 2100 };
    for (const [form, max] of Object.entries(limits))
      for (const key of [form, `${form} (no JS)`])
        assert(heights[key] <= max, `${key}: ${heights[key]} px, want ≤ ${max}`);
  });

  await test('required choices are asked by the browser, so the server refuses nothing in a second round', async () => {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    let posts = 0;
    page.on('request', (q) => { if (q.method() === 'POST') posts++; });
    await page.goto(`${urls[0]}/safety`);
    await page.fill('input[name=where]', 'Kho hóa chất');
    await page.fill('textarea[name=description]', 'Lan can cầu thang kho bị gãy.');
    await page.getByRole('button', { name: 'Gửi' }).click();
    assert(posts === 0, 'nothing sent while a required choice is empty');
    assert(await page.locator('select[name=kind]').evaluate((e) => !e.validity.valid), 'the empty select is marked by the browser');
    await page.selectOption('select[name=kind]', 'hazard');
    await page.getByRole('button', { name: 'Gửi' }).click();
    assert(posts === 0, 'nothing sent while the radio group is empty');
    assert(await page.locator('input[name=danger_now]').first().evaluate((e) => !e.validity.valid), 'the radio group is marked');
    await page.check('input[name=danger_now][value=no]');
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.waitForSelector('#receipt');
    assert(posts === 1, `one round: ${posts} POSTs`);
    // the wage form's month range: one line, works without script, stored as a list
    await page.goto(`${urls[0]}/wage_arrears`);
    await page.getByRole('button', { name: 'Gửi' }).click();
    assert(await page.locator('select[name="months_owed:from"]').evaluate((e) => !e.validity.valid), 'the months are asked for');
    await ctx.close();
  });

  // The safety form's conditions, with the script or without it (CSS :has()):
  // the accident's questions and the urgent advice hidden until chosen.
  async function safetyConditions(page) {
    await page.goto(`${urls[0]}/safety`);
    assert(!(await page.locator('#q-injured').isVisible()), 'injured hidden for a hazard');
    assert(!(await page.locator('.urgent').isVisible()), 'urgent advice hidden');
    await page.selectOption('select[name=kind]', 'accident');
    assert(await page.locator('#q-injured').isVisible(), 'injured shown for an accident');
    await page.check('input[name=danger_now][value=yes]');
    assert(await page.locator('.urgent').isVisible(), 'urgent advice shown at once');
  }

  await test('questions that do not apply stay hidden until they do (JavaScript)', async () => {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await safetyConditions(page);
    assert((await page.locator('.urgent').innerText()).includes('115'), 'says whom to call');
    // issue 12, item 1: the numbers are buttons a thumb can press, the union's hotline among them
    for (const tel of ['tel:115', 'tel:114', 'tel:02133876543']) {
      const a = page.locator(`.urgent a[href="${tel}"]`);
      assert(await a.isVisible(), `urgent advice has a visible ${tel} link`);
      const box = await a.boundingBox();
      assert(box.height >= 44, `${tel} link is ${box.height} px tall, want ≥ 44`);
    }
    assert((await page.locator('.urgent a[href="tel:02133876543"]').innerText()).includes('0213 3876 543'), 'the hotline is shown as printed on the poster');
    await page.fill('input[name=where]', 'Kho hóa chất');
    await page.fill('textarea[name=description]', 'Rò rỉ khí, có người chóng mặt.');
    const idem = await page.locator('input[name=_idem]').inputValue();
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.waitForSelector('#receipt');
    assert((await page.locator('.urgent').innerText()).includes('114'), 'receipt repeats the advice');
    for (const tel of ['tel:115', 'tel:114', 'tel:02133876543'])
      assert(await page.locator(`.urgent a[href="${tel}"]`).isVisible(), `urgent receipt has a visible ${tel} link`);
    await page.screenshot({ path: join(shots, 'worker-urgent-receipt.png'), fullPage: true });
    assert(sql(`SELECT urgent FROM submission WHERE idempotency_key = '${idem}'`) === 't', 'stored as urgent');
    await ctx.close();
  });

  await test('without JavaScript too: a question appears when its answer is chosen, and the server still judges it', async () => {
    const ctx = await browser.newContext({ ...phone, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await safetyConditions(page);
    assert(await page.locator('.urgent a[href="tel:115"]').isVisible(), 'the urgent advice can call, no script');
    await page.check('input[name=danger_now][value=no]');
    assert(!(await page.locator('.urgent').isVisible()), 'and goes when the answer changes');
    await page.fill('input[name=where]', 'Xưởng dập');
    await page.fill('textarea[name=description]', 'Kẹp tay ở máy dập số 2.');
    await page.fill('input[name=injured]', 'nhiều');
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.waitForSelector('#e-injured');
    assert(await page.locator('#e-injured').isVisible(), 'the server refuses the count, the error beside the question');
    assert(await page.locator('textarea[name=description]').inputValue() === 'Kẹp tay ở máy dập số 2.', 'nothing typed lost');
    assert(await page.locator('input[name=injured]').inputValue() === 'nhiều', 'the bad answer is kept to correct');
    await page.fill('input[name=injured]', '2');
    await page.selectOption('select[name=kind]', 'hazard');   // the question no longer applies: hidden, not stored
    assert(!(await page.locator('#q-injured').isVisible()), 'injured hidden again for a hazard');
    const idem = await page.locator('input[name=_idem]').inputValue();
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.waitForSelector('#receipt');
    const row = sql(`SELECT answers->>'kind', answers ? 'injured' FROM submission WHERE idempotency_key = '${idem}'`);
    assert(row === 'hazard|f', `a hidden question's answer is not stored: ${row}`);
    // a chain: the poisoning questions hang under a ticked box under "meals provided"
    await page.goto(`${urls[0]}/meal`);
    await page.selectOption('select[name=meals_provided]', 'provided');
    await page.check('input[name=problems][value=food_poisoning]');
    assert(await page.locator('#q-sick_count').isVisible(), 'how many fell sick: shown under food poisoning');
    await page.selectOption('select[name=meals_provided]', 'cash');
    assert(!(await page.locator('#q-problems').isVisible()) && !(await page.locator('#q-sick_count').isVisible()),
      'no meals: the problems and what hangs under them hidden, though the box is still ticked');
    await ctx.close();
  });

  await test('a photo with GPS is stored without its metadata; a non-image is refused with the text kept', async () => {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${urls[0]}/safety`);
    await page.selectOption('select[name=kind]', 'hazard');
    await page.check('input[name=danger_now][value=no]');
    await page.fill('input[name=where]', 'Cầu thang kho');
    await page.fill('textarea[name=description]', 'Lan can gãy.');
    await page.setInputFiles('input[name=photos]', { name: 'notes.txt', mimeType: 'image/jpeg', buffer: Buffer.from('not an image') });
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.waitForSelector('#e-photos');
    assert(await page.locator('textarea[name=description]').inputValue() === 'Lan can gãy.', 'text kept');
    await page.setInputFiles('input[name=photos]', join(root, 'tests', 'unit', 'fixtures', 'photos', 'gps.jpg'));
    const idem = await page.locator('input[name=_idem]').inputValue();
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.waitForSelector('#receipt');
    const row = sql(`SELECT a.mime, a.size, encode(a.sha256, 'hex') FROM attachment a JOIN submission s ON s.id = a.submission_id WHERE s.idempotency_key = '${idem}'`);
    assert(row.startsWith('image/jpeg|'), `one JPEG stored: ${row}`);
    const out = join(varDir, 'stored.jpg');
    execFileSync('sh', ['-c', `psql -h ${join(varDir, 'run')} -U tiengnoi -d tiengnoi -At -c "SELECT encode(data, 'base64') FROM attachment ORDER BY id DESC LIMIT 1" | base64 -d > ${out}`]);
    const meta = execFileSync('exiftool', ['-a', '-G1', '-s', out]).toString();
    const orig = execFileSync('exiftool', ['-a', '-G1', '-s', join(root, 'tests', 'unit', 'fixtures', 'photos', 'gps.jpg')]).toString();
    assert(/GPSLatitude/.test(orig), 'the fixture does carry GPS');
    assert(!/GPS|XMP|Comment/.test(meta), `no GPS, XMP or comment left:\n${meta}`);
    await ctx.close();
  });

  await test('offline: the report waits on the phone and is sent exactly once when the network returns', async () => {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${urls[1]}/concern`);
    await page.fill('textarea[name=text]', 'Gửi khi mất mạng ở ca đêm.');
    const idem = await page.locator('input[name=_idem]').inputValue();
    await ctx.setOffline(true);
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.waitForSelector('p[role=status]:has-text("Không có mạng")');
    assert(sql(`SELECT count(*) FROM submission WHERE idempotency_key = '${idem}'`) === '0', 'nothing stored while offline');
    await page.screenshot({ path: join(shots, 'worker-offline.png'), fullPage: true });
    await ctx.setOffline(false);
    await page.waitForSelector('#receipt', { timeout: 20000 });
    assert(sql(`SELECT count(*) FROM submission WHERE idempotency_key = '${idem}'`) === '1', 'stored exactly once');
    await ctx.close();
  });

  // issue 12, item 5: a request caught while the app is gone is not lost
  for (const js of [false, true]) {
    await test(`the app gone while sending (${js ? 'with' : 'without'} JavaScript): the worker is told it was not sent, the text survives`, async () => {
      const ctx = await browser.newContext({ ...phone, javaScriptEnabled: js });
      const page = await ctx.newPage();
      await page.goto(`${urls[1]}/concern`);
      const text = `Máy chủ hỏng lúc gửi (${js ? 'JS' : 'không JS'}).`;
      await page.fill('textarea[name=text]', text);
      const sock = join(varDir, 'run', 'app.sock');
      renameSync(sock, `${sock}.away`);
      let away = true;
      try {
        await page.getByRole('button', { name: 'Gửi' }).click();
        if (!js) {
          await page.waitForSelector('#not-sent');
          assert((await page.locator('h1').innerText()).includes('chưa được gửi'), 'nginx says: not sent');
          await page.screenshot({ path: join(shots, 'worker-not-sent.png'), fullPage: true });
          renameSync(`${sock}.away`, sock);
          away = false;
          await page.goBack();
          assert(await page.locator('textarea[name=text]').inputValue() === text, 'Back: the text is still there');
          await page.getByRole('button', { name: 'Gửi' }).click();
        } else {
          await page.waitForSelector('p[role=status]:has-text("Chưa gửi được")');
          assert(await page.locator('textarea[name=text]').inputValue() === text, 'the form stays, text kept');
        }
      } finally {
        if (away) renameSync(`${sock}.away`, sock);
      }
      await page.waitForSelector('#receipt', { timeout: 30000 });
      assert(sql(`SELECT count(*) FROM submission WHERE answers->>'text' = '${text}'`) === '1', 'stored once when the app is back');
      await ctx.close();
    });
  }

  // issue 12, item 2: the receipt is not lost by a reload, and saves as a PNG
  await test('the receipt survives a reload until the worker says it is saved; it saves as a PNG; /status is linked', async () => {
    const ctx = await browser.newContext({ ...phone, acceptDownloads: true });
    const page = await ctx.newPage();
    await page.goto(urls[1]);
    assert(await page.locator('a#status-link[href="/status"]').isVisible(), 'the landing page links /status');
    await page.getByRole('link', { name: 'Tâm tư, kiến nghị' }).click();
    await page.fill('textarea[name=text]', 'Bếp ăn không có nước rửa tay.');
    await page.getByRole('button', { name: 'Gửi' }).click();
    const receipt = await page.locator('#receipt').innerText();
    const save = page.locator('#save-receipt');
    const [dl] = await Promise.all([page.waitForEvent('download'), save.click()]);
    assert(dl.suggestedFilename() === 'tieng-noi-bien-nhan.png', `saves a .png: ${dl.suggestedFilename()}`);
    const file = join(varDir, 'receipt.png');
    await dl.saveAs(file);
    const png = readFileSync(file);
    assert(png.subarray(1, 4).toString() === 'PNG' && png.readUInt32BE(16) === 720, `a 720 px wide PNG (${png.length} B)`);
    await page.reload();      // a reload, or a tab the phone discarded
    await page.waitForSelector('#receipt');
    assert(await page.locator('#receipt').innerText() === receipt, 'the same receipt after a reload');
    await page.screenshot({ path: join(shots, 'worker-receipt-kept.png'), fullPage: true });
    await page.locator('#receipt-saved').click();
    await page.waitForURL(new RegExp(`${urls[1].split('/').pop()}$`));
    await page.goBack();
    await page.waitForSelector('textarea[name=text]');
    assert(await page.locator('#receipt').count() === 0, 'once saved, the form is a form again');
    await ctx.close();
  });

  // issue 12, item 2, without JavaScript: the server draws the PNG (qr.c), a gallery shows it, its QR code reads back
  await test('without JavaScript the receipt saves as a PNG drawn by the server, and its QR code gives the code', async () => {
    const ctx = await browser.newContext({ ...phone, javaScriptEnabled: false, acceptDownloads: true });
    const page = await ctx.newPage();
    await page.goto(`${urls[1]}/concern`);
    await page.fill('textarea[name=text]', 'Không có JavaScript, vẫn lưu được mã thành ảnh.');
    await page.getByRole('button', { name: 'Gửi' }).click();
    const receipt = await page.locator('#receipt').innerText();
    const save = page.locator('#save-receipt');
    assert((await save.innerText()).trim() === 'Lưu mã thành ảnh', `the link says what it does: ${await save.innerText()}`);
    assert(!/svg/i.test(await page.content()), 'no SVG left on the receipt page');
    const [dl] = await Promise.all([page.waitForEvent('download'), save.click()]);
    assert(dl.suggestedFilename() === 'tieng-noi-bien-nhan.png', `file name ${dl.suggestedFilename()}`);
    const file = join(varDir, 'receipt-nojs.png');
    await dl.saveAs(file);
    const png = readFileSync(file);
    assert(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'the PNG signature');
    assert(png.readUInt32BE(16) === 720, `720 px wide (${png.readUInt32BE(16)})`);
    const read = execFileSync('zbarimg', ['--raw', '-q', '--nodbus', file]).toString().trim();
    assert(read === receipt.replace(/ /g, ''), `zbarimg reads the receipt code: ${read} vs ${receipt}`);
    await page.screenshot({ path: join(shots, 'worker-receipt-nojs-png.png'), fullPage: true });
    await ctx.close();
  });

  await test('a draft survives closing the page', async () => {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${urls[1]}/meal`);
    await page.selectOption('select[name=meals_provided]', 'provided');
    await page.selectOption('select[name=quality]', 'very_poor');
    await page.click('#q-details > summary');   // an optional free text is folded under its question
    await page.fill('textarea[name=details]', 'Cơm nguội, canh nhạt.');
    await page.goto(`${urls[1]}/meal`);
    assert(await page.locator('textarea[name=details]').inputValue() === 'Cơm nguội, canh nhạt.', 'text restored');
    assert(await page.locator('textarea[name=details]').isVisible(), 'and unfolded, so the worker sees it');
    assert(await page.locator('select[name=quality]').inputValue() === 'very_poor', 'choice restored');
    await ctx.close();
  });

  await test('contact details need the consent box, then are stored only sealed', async () => {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${urls[0]}/concern`);
    await page.fill('textarea[name=text]', 'Tôi muốn được gọi lại.');
    assert(!(await page.locator('input[name=contact_phone]').isVisible()), 'the contact block is folded');
    await page.click('#q-contact > summary');
    await page.fill('input[name=contact_phone]', '0912 345 678');
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.waitForSelector('#e-contact');
    assert(await page.locator('input[name=contact_phone]').inputValue() === '0912 345 678', 'phone kept');
    await page.check('input[name=contact_consent]');
    const idem = await page.locator('input[name=_idem]').inputValue();
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.waitForSelector('#receipt');
    const row = sql(`SELECT length(contact_sealed) > 48, contact_consent_at IS NOT NULL, position('912' in answers::text) FROM submission WHERE idempotency_key = '${idem}'`);
    assert(row === 't|t|0', `sealed, consent recorded, not in the answers: ${row}`);
    await ctx.close();
  });

  await test('status round trip: the union asks, the worker reads it and replies', async () => {
    const ctx = await browser.newContext(phone);
    const page = await ctx.newPage();
    await page.goto(`${urls[2]}/concern`);
    await page.fill('textarea[name=text]', 'Tăng ca quá 40 giờ một tháng.');
    const idem = await page.locator('input[name=_idem]').inputValue();
    await page.getByRole('button', { name: 'Gửi' }).click();
    const receipt = await page.locator('#receipt').innerText();
    const id = sql(`SELECT id FROM submission WHERE idempotency_key = '${idem}'`);
    sql(`INSERT INTO message (submission_id, author, officer_id, body) VALUES (${id}, 'officer', 1, 'Bạn làm ở phân xưởng nào?')`);
    sql(`UPDATE submission SET status = 'needs_info' WHERE id = ${id}`);
    await page.getByRole('link', { name: 'Tra cứu phản ánh đã gửi' }).click();
    await page.fill('input[name=receipt]', receipt);
    await page.getByRole('button', { name: 'Xem' }).click();
    assert((await page.locator('#status').innerText()).includes('cần thêm thông tin'), 'status in plain words');
    assert((await page.locator('.from-union .body').innerText()) === 'Bạn làm ở phân xưởng nào?', 'officer message shown');
    await page.screenshot({ path: join(shots, 'worker-status.png'), fullPage: true });
    await page.fill('textarea[name=reply]', 'Phân xưởng 2, ca đêm.');
    await page.getByRole('button', { name: 'Gửi' }).click();
    await page.waitForSelector('#reply-sent');
    assert(sql(`SELECT body FROM message WHERE submission_id = ${id} AND author = 'worker'`) === 'Phân xưởng 2, ca đêm.', 'reply stored');
    assert(sql(`SELECT worker_replied_at IS NOT NULL FROM submission WHERE id = ${id}`) === 't', 'reply marked on the report');
    await ctx.close();
  });

  await test('axe-core finds no accessibility violations on worker pages', async () => {
    const ctx = await browser.newContext({ ...phone, bypassCSP: true });
    const page = await ctx.newPage();
    const axePath = join(root, 'tests', 'browser', 'node_modules', 'axe-core', 'axe.min.js');
    const pages = [urls[0], ...Object.keys(fillers).map((f) => `${urls[0]}/${f}`), `${base}/status`, `${base}/help`, `${base}/privacy`, base];
    const problems = [];
    for (const u of pages) {
      await page.goto(u);
      await page.addScriptTag({ path: axePath });
      const res = await page.evaluate(async () => await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }));
      for (const v of res.violations) problems.push(`${u}: ${v.id} (${v.nodes.length}) ${v.nodes[0].target}`);
    }
    assert(problems.length === 0, problems.join('\n'));
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
});
