// Needs the demo site served, an office user with the Referring Office role and a password, its
// authenticator secret, and playwright-core (npm i playwright-core):
//   node tests/browser/portal.js 127.0.0.1:8001 frontdesk@office.example <password> <base32 secret> docs/screenshots
// A referring office's front desk logs in with password and authenticator code (two factors),
// sees only its own referrals, and sends a new one. The TOTP code is computed here from the
// user's secret (RFC 6238, as an authenticator app does).
const { chromium } = require('playwright-core');
const crypto = require('crypto');

function totp(base32) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30)));
  const hmac = crypto.createHmac('sha1', key).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0xf;
  const code = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1000000;
  return String(code).padStart(6, '0');
}

(async () => {
  const [host, user, pass, secret, outDir] = process.argv.slice(2);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://${host}/login?redirect-to=/referring-office`);
  await page.fill('#login_email', user);
  await page.fill('#login_password', pass);
  await page.click('.btn-login');
  try { await page.waitForSelector('#login_token', { timeout: 15000 }); } catch (e) { await page.screenshot({ path: outDir + '/portal-fail.png' }); console.log('url', page.url(), errors); throw e; }
  await page.screenshot({ path: `${outDir}/portal-1-second-factor.png` });
  await page.fill('#login_token', totp(secret));
  await page.click('#verify_token');
  await page.waitForURL(/referring-office/, { timeout: 20000 });
  await page.waitForTimeout(2000);
  await page.waitForFunction(() => !document.querySelector('#referrals tbody').textContent.includes('Loading'), null, { timeout: 20000 });
  const before = await page.$$eval('#referrals tbody tr', (rows) => rows.length);
  await page.fill('[name=patient_first_name]', 'Walter');
  await page.fill('[name=patient_last_name]', 'Nowak');
  await page.fill('[name=patient_date_of_birth]', '1941-03-09');
  await page.fill('[name=diagnosis]', 'CHF, needs skilled nursing');
  await page.click('#new-referral button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#sent').textContent.includes('REF'), null, { timeout: 20000 });
  await page.waitForTimeout(1500);
  const after = await page.$$eval('#referrals tbody tr', (rows) => rows.length);
  await page.screenshot({ path: `${outDir}/portal-2-referrals.png`, fullPage: true });
  const desk = await page.goto(`http://${host}/app/referral`);
  const deskUrl = page.url();
  console.log(JSON.stringify({ before, after, sent: await page.evaluate(() => document.title), deskUrl, errors }));
  if (after !== before + 1 || errors.length) process.exitCode = 1;
  await browser.close();
})();
