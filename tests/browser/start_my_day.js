// Start my day, walked as each role on a brand-new demo site (`bench new-site`, `install-app`,
// `referral-crm demo`): log in, the first screen shows the next action, doing it takes that item off
// and brings the next. Screenshots go to docs/screenshots/start-*.png.
// Needs the site served, a worker and socket.io, and playwright-core:
//   node tests/browser/start_my_day.js 127.0.0.1:8000 'Demo#Referral2026'
// Exits 1 when a role's first screen shows no next action or doing it does not move the list on.
const { chromium } = require('playwright-core');

const DOMAIN = 'demo.referral-crm.example';
const NEXT = '.smd-next .smd-item-title';

async function nextTitle(page) {
  await page.waitForSelector(NEXT, { timeout: 30000 });
  return (await page.locator(NEXT).first().innerText()).trim();
}

async function backTo(page, host, workspace) {
  await page.goto(`http://${host}/app/${workspace}`);
  return nextTitle(page);
}

const WALKS = {
  // The route's first stop: check in on My Day, log the visit, the next stop comes up.
  async liaison(page, host, workspace, first) {
    await page.locator('.smd-go').first().click();
    await page.waitForURL(/\/app\/my-day/);
    const next = page.locator('.my-day-stop', { has: page.locator('.indicator-pill.blue') }).first();
    const card = page.locator(`.my-day-stop[data-index="${await next.getAttribute('data-index')}"]`);
    await card.locator('.my-day-checkin').click();
    await card.locator('.my-day-outcome').first().click();
    await card.locator('.my-day-save').click();
    await card.locator('.indicator-pill.green').waitFor({ timeout: 20000 });
    await page.screenshot({ path: 'docs/screenshots/start-liaison-my-day.png' });
    return backTo(page, host, workspace);
  },
  // Start Calling opens today's calls as a queue; log one call and the list is one shorter.
  async setter(page, host, workspace, first) {
    await page.locator('.smd-go').first().click();
    await page.waitForURL(/\/app\/work-queue\/.+/);
    await page.locator('.queue-outcome').first().waitFor({ timeout: 20000 });
    const office = await page.locator('.outreach-queue h3, .outreach-queue h4').first().innerText().catch(() => '');
    await page.locator('.queue-outcome', { hasText: 'Left Voicemail' }).first().click();
    await page.locator('.queue-log').click();
    await page.waitForTimeout(2500);
    await page.screenshot({ path: 'docs/screenshots/start-setter-queue.png' });
    const after = await page.locator('.outreach-queue h3, .outreach-queue h4').first().innerText().catch(() => '');
    if (office && after === office) throw new Error('the queue did not move on');
    return backTo(page, host, workspace);
  },
  // An office whose referrals dropped: open the alert, acknowledge it, it leaves the list.
  async coordinator(page, host, workspace, first) {
    const row = page.locator('.smd-row', { hasText: /^\s*Call / }).first();
    const title = (await row.innerText()).split('\n')[0].trim();
    await row.click();
    await page.waitForURL(/\/app\/referral-source-alert\//);
    await page.waitForSelector('[data-fieldname="status"] select');
    await page.selectOption('[data-fieldname="status"] select', 'Acknowledged');
    await page.keyboard.press('Control+s');
    await page.waitForTimeout(2500);
    await page.goto(`http://${host}/app/${workspace}`);
    await nextTitle(page);
    const all = await page.locator('.smd-next .smd-item-title, .smd-row > div > div:first-child').allInnerTexts();
    if (all.map((t) => t.trim()).includes(title)) throw new Error(`"${title}" is still on the list`);
    return all[0].trim();
  },
  // The oldest referral waiting: open it and accept it, the next oldest comes up.
  async intake(page, host, workspace, first) {
    await page.locator('.smd-go').first().click();
    await page.waitForURL(/\/app\/referral\//);
    await page.waitForSelector('.form-layout');
    for (const step of ['Review', 'Accept']) {
      await page.getByRole('button', { name: 'Actions' }).click();
      const action = page.locator('.dropdown-menu.show .dropdown-item', { hasText: new RegExp(`^\\s*${step}\\s*$`) });
      if (!(await action.count())) {
        await page.keyboard.press('Escape');
        continue;
      }
      await action.first().click();
      await page.waitForTimeout(2500);
      const confirm = page.locator('.modal.show .btn-primary');
      if (await confirm.count()) await confirm.first().click();
      await page.waitForTimeout(2500);
    }
    await page.screenshot({ path: 'docs/screenshots/start-intake-accepted.png' });
    return backTo(page, host, workspace);
  },
  async manager(page) {
    return null; // the manager's list is read, not worked off: the screenshot shows it
  },
};

const USERS = [
  ['liaison.bronx', 'referral-liaison', 'liaison'],
  ['setter', 'referral-calls', 'setter'],
  ['coordinator.north', 'referral-coordination', 'coordinator'],
  ['intake', 'referral-intake', 'intake'],
  ['manager', 'referral-crm', 'manager'],
];

(async () => {
  const [host, pass] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let failed = 0;
  for (const [name, workspace, walk] of USERS) {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    let result;
    try {
      await page.goto(`http://${host}/login`);
      await page.fill('#login_email', `${name}@${DOMAIN}`);
      await page.fill('#login_password', pass);
      await page.click('.btn-login');
      await page.waitForURL(new RegExp(`/app/${workspace}$`), { timeout: 30000 });
      const first = await nextTitle(page);
      await page.waitForTimeout(1500);
      await page.screenshot({ path: `docs/screenshots/start-${walk}.png` });
      const then = await WALKS[walk](page, host, workspace, first);
      if (then !== null && then === first && walk !== 'coordinator') throw new Error(`"${first}" is still next`);
      result = `first: "${first}"` + (then === null ? '' : ` -> then: "${then}"`);
    } catch (e) {
      result = `FAILED: ${e.message.split('\n')[0]}`;
      failed += 1;
      await page.screenshot({ path: `/tmp/start-${walk}-failed.png` });
    }
    console.log(`${name}: ${result} | page errors: ${errors.length ? errors.join(' ; ') : 'none'}`);
    await context.close();
  }
  await browser.close();
  process.exit(failed ? 1 : 0);
})();
