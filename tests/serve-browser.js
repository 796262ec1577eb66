// tests/serve-browser.js: a real browser (Debian's chromium, headless,
// driven by puppeteer-core) on fdnix-search --serve's page; run by
// test-serve-browser.sh.  Usage: node serve-browser.js URL SCREENSHOT_PREFIX
//
// The scripted page: typing shows the expected package first, a filter
// narrows the results, the arrow keys move through them and Enter opens
// one, a screenshot is saved.  Hostile packages (descriptions with
// <script> and onerror, javascript: homepages) run nothing, in the
// scripted page and in the server-rendered one with JavaScript off: a
// flag their payloads would set stays unset, no element of theirs is in
// the DOM, and no javascript: link exists.
'use strict';

const path = require('path');
const modules = process.env.FDNIX_NODE_MODULES || path.join(__dirname, 'servers', 'node_modules');
const puppeteer = require(path.join(modules, 'puppeteer-core'));

const base = process.argv[2];
const shots = process.argv[3];
const failures = [];

function check (ok, message) {
  if (!ok) failures.push(message);
  console.log((ok ? 'ok: ' : 'FAIL: ') + message);
}

async function names (page) {
  return page.$$eval('#results li.result a.name', (as) => as.map((a) => a.textContent));
}

async function waitFirst (page, expected) {
  try {
    await page.waitForFunction((e) => {
      const first = document.querySelector('#results li.result a.name');
      return first !== null && first.textContent === e;
    }, { timeout: 10000 }, expected);
    return true;
  } catch (e) {
    return false;
  }
}

// What a payload would leave behind, and what the page must not contain.
async function inspect (page, label) {
  const found = await page.evaluate(() => {
    const on = [];
    for (const el of document.querySelectorAll('*')) {
      for (const a of el.attributes) {
        if (a.name.toLowerCase().startsWith('on')) on.push(el.tagName + '[' + a.name + ']');
      }
    }
    return {
      pwned: window.__fdnixPwned,
      scripts: Array.from(document.scripts).map((s) => s.getAttribute('src')),
      images: document.querySelectorAll('img, svg, iframe, object, embed').length,
      jsLinks: Array.from(document.querySelectorAll('a[href]')).filter((a) => !/^https?:$/.test(a.protocol)).map((a) => a.href),
      on,
      shown: Array.from(document.querySelectorAll('#results .description')).map((p) => p.textContent)
    };
  });
  check(found.pwned === undefined, `${label}: the payload flag is unset (${found.pwned})`);
  check(found.scripts.length === 1 && found.scripts[0] === '/static/app.js', `${label}: the only script is /static/app.js (${found.scripts})`);
  check(found.images === 0, `${label}: no img/svg/iframe element (${found.images})`);
  check(found.jsLinks.length === 0, `${label}: no link other than http(s) (${found.jsLinks})`);
  check(found.on.length === 0, `${label}: no on* attribute (${found.on})`);
  check(found.shown.some((t) => t.includes('<script>window.__fdnixPwned = 1</script>')),
    `${label}: the <script> description is shown as text`);
  check(found.shown.some((t) => t.includes('"><img src=x onerror="window.__fdnixPwned=1">')),
    `${label}: the onerror description is shown as text`);
}

(async () => {
  const args = ['--headless=new', '--disable-gpu', '--no-first-run', '--no-default-browser-check'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  const browser = await puppeteer.launch({
    executablePath: process.env.FDNIX_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args
  });
  const cspViolations = [];
  try {
    // --- the scripted page
    const page = await browser.newPage();
    await page.setViewport({ width: 1000, height: 800 });
    page.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text()); });
    page.on('dialog', async (d) => { failures.push('a dialog opened: ' + d.message()); await d.dismiss(); });
    await page.goto(base + '/', { waitUntil: 'load' });
    check(await page.evaluate(() => document.activeElement.id === 'q'), 'the search box has the focus');
    await page.type('#q', 'rg', { delay: 30 });
    check(await waitFirst(page, 'ripgrep'), 'typing "rg" shows ripgrep first: ' + (await names(page)).join(' '));
    check(page.url() === base + '/search?q=rg', 'the address follows the query: ' + page.url());

    // a filter: the package set
    await page.click('#q', { clickCount: 3 });
    await page.type('#q', 'http library', { delay: 20 });
    await page.type('#set', 'python314Packages', { delay: 10 });
    check(await waitFirst(page, 'python314Packages.requests'),
      'set=python314Packages shows python314Packages.requests first: ' + (await names(page)).join(' '));
    check((await names(page)).every((n) => n.startsWith('python314Packages.')), 'every result is in the set');
    await page.click('#set', { clickCount: 3 });
    await page.keyboard.press('Backspace');
    // a filter: the license
    await page.click('#q', { clickCount: 3 });
    await page.type('#q', 'zzxss probe', { delay: 20 });
    await page.waitForFunction(() => document.querySelectorAll('#results li.result').length === 3, { timeout: 10000 })
      .catch(() => {});
    check((await names(page)).length === 3, 'zzxss probe: 3 results: ' + (await names(page)).join(' '));
    await page.select('#license', 'unfree');
    await page.waitForFunction(() => document.querySelectorAll('#results li.result').length === 1, { timeout: 10000 })
      .catch(() => {});
    check((await names(page)).join(' ') === 'xssLink', 'license=unfree leaves xssLink: ' + (await names(page)).join(' '));
    await page.select('#license', '');
    await page.waitForFunction(() => document.querySelectorAll('#results li.result').length === 3, { timeout: 10000 })
      .catch(() => {});
    // hover and focus everything a payload could hook
    for (const li of await page.$$('#results li.result')) await li.hover();
    await inspect(page, 'scripted page');
    await page.screenshot({ path: shots + '-hostile.png', fullPage: true });

    // the keyboard
    await page.click('#q', { clickCount: 3 });
    await page.type('#q', 'terminal file manager', { delay: 20 });
    await page.waitForFunction(() => location.search.includes('terminal+file+manager'), { timeout: 10000 });
    await page.waitForNetworkIdle({ idleTime: 300, timeout: 10000 });
    const list = await names(page);
    check(list.length >= 3 && !list[0].startsWith('xss'), 'terminal file manager: ' + list.join(' '));
    await page.keyboard.press('ArrowDown');
    const focused = () => page.evaluate(() => {
      const li = document.activeElement.closest('li.result');
      return li === null ? document.activeElement.id : li.querySelector('a.name').textContent + (li.classList.contains('selected') ? '*' : '');
    });
    check(await focused() === list[0] + '*', 'ArrowDown selects the first result: ' + await focused());
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    check(await focused() === list[2] + '*', 'ArrowDown twice more: the third: ' + await focused());
    await page.keyboard.press('ArrowUp');
    check(await focused() === list[1] + '*', 'ArrowUp: the second: ' + await focused());
    await page.screenshot({ path: shots + '.png', fullPage: true });
    await page.keyboard.press('Escape');
    check(await focused() === 'q', 'Escape: back to the search box: ' + await focused());
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForNavigation({ timeout: 10000 }), page.keyboard.press('Enter')]);
    check(page.url() === base + '/v1/packages/' + encodeURIComponent(list[0]), 'Enter opens the package: ' + page.url());
    const record = JSON.parse(await page.evaluate(() => document.body.innerText));
    check(record.attributePath === list[0], 'the package record is ' + list[0]);

    // --- the server-rendered page, JavaScript on (the first paint) and off
    for (const js of [true, false]) {
      const p = await browser.newPage();
      p.on('console', (m) => { if (/Content.Security.Policy/i.test(m.text())) cspViolations.push(m.text()); });
      await p.setJavaScriptEnabled(js);
      await p.goto(base + '/search?q=zzxss+probe', { waitUntil: 'load' });
      check((await names(p)).length === 3, `server-rendered (JavaScript ${js ? 'on' : 'off'}): 3 results`);
      for (const li of await p.$$('#results li.result')) await li.hover();
      await inspect(p, `server-rendered page, JavaScript ${js ? 'on' : 'off'}`);
      if (!js) {
        // the form works without a script: a new query is a new page
        await p.click('#q', { clickCount: 3 });
        await p.type('#q', 'rg');
        await Promise.all([p.waitForNavigation(), p.click('button[type=submit]')]);
        check((await names(p))[0] === 'ripgrep', 'without JavaScript, the form finds ripgrep: ' + (await names(p)).join(' '));
        await p.screenshot({ path: shots + '-nojs.png', fullPage: true });
      }
      await p.close();
    }
  } finally {
    await browser.close();
  }
  check(cspViolations.length === 0, 'no Content-Security-Policy violation: ' + cspViolations.join(' | '));
  process.exit(failures.length > 0 ? 1 : 0);
})().catch((e) => {
  console.error('FAIL:', e);
  process.exit(1);
});
