// Works an Outreach Queue in headless Chromium as a demo liaison: picks an outcome, types a remark,
// presses "Log and Next", and checks the page moved on to the next office with no script errors.
// Needs the demo site served locally, an Outreach Queue, and playwright-core (npm i playwright-core):
//   node tests/browser/work_queue.js 127.0.0.1:8001 liaison.bronx@demo.referral-crm.example 'Demo#Referral2026' 'Bronx targets'
// Prints what it saw (exits 1 when the office did not change); screenshots go to docs/screenshots/.
const { chromium } = require('playwright-core');
(async () => {
  const [host, user, pass, queue] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(`http://${host}/login`);
  await page.fill('#login_email', user);
  await page.fill('#login_password', pass);
  await page.click('.btn-login');
  await page.waitForURL(/\/app/, { timeout: 30000 });
  await page.goto(`http://${host}/app/work-queue/${encodeURIComponent(queue)}`);
  try { await page.waitForSelector('.queue-practice', { timeout: 20000 }); } catch (e) { await page.screenshot({ path: 'docs/screenshots/work-queue-failed.png' }); console.log('errors', errors, await page.textContent('.outreach-queue').catch(()=>'none')); throw e; }
  const first = (await page.textContent('.queue-practice')).trim();
  const progress1 = (await page.textContent('.queue-progress')).trim();
  const dial = await page.getAttribute('.queue-numbers a.queue-dial', 'href').catch(() => null);
  await page.screenshot({ path: 'docs/screenshots/work-queue-before.png' });
  const started = Date.now();
  await page.click('.queue-outcome[data-outcome="Left Voicemail"]');
  await page.fill('.queue-remarks', 'Asked for the office manager, call back Tuesday');
  await page.click('.queue-log');
  await page.waitForFunction((f) => document.querySelector('.queue-practice') && document.querySelector('.queue-practice').textContent.trim() !== f, first, { timeout: 15000 });
  const ms = Date.now() - started;
  const second = (await page.textContent('.queue-practice')).trim();
  const progress2 = (await page.textContent('.queue-progress')).trim();
  await page.screenshot({ path: 'docs/screenshots/work-queue-after-logging.png' });
  console.log(JSON.stringify({ first, progress1, dial, second, progress2, ms_log_to_next: ms, errors }));
  if (first === second || errors.length) process.exitCode = 1;
  await browser.close();
})();
