import { launchBrowser } from './lib.mjs';
const url = process.argv[2];
const b = await launchBrowser();
for (const js of [true, false]) {
  const ctx = await b.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, locale: 'vi-VN', javaScriptEnabled: js });
  const p = await ctx.newPage();
  const out = [];
  for (const f of ['wage_arrears', 'social_insurance', 'safety', 'concern', 'meal', 'bargaining_survey']) {
    await p.goto(`${url}/${f}`);
    out.push(`${f}=${await p.evaluate(() => document.documentElement.scrollHeight)}`);
  }
  console.log(js ? 'js  ' : 'nojs', out.join(' '));
  await ctx.close();
}
await b.close();
