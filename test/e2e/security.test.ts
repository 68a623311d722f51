// End to end: users, roles and the audit trail in Debian's Chromium against
// serve mode running the demo plant (its own copy, simulator on a free port).
//
//   (a) a browser that has not logged in is a viewer: the write dialog does
//       not open (Enter, double click, the row's menu), and a write sent
//       from the page itself is refused by the runtime (403);
//   (b) an operator logs in through the login dialog and writes a setpoint
//       through the write dialog; an engineer then finds that write in the
//       Audit view with the user, the old and the new value, and the hash
//       chain verifies;
//   (c) a wrong password is refused in the runtime's words, and six wrong
//       ones in a row meet the rate limit (its message, the button waiting);
//       last, since the limit then holds for every login from 127.0.0.1;
//   (d) first start: a fresh data folder shows "Create the administrator",
//       and creating it logs in as that administrator.
//
// Needs a build (`npm run build`). Leaves nothing behind: servers get
// SIGTERM, the browser is closed, the temporary folders are removed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callApi,
  createUser,
  demoProjectOnFreePort,
  startServe,
  type ServeProcess,
} from '../../scripts/serveProcess.mjs';
import { waitFor as poll } from '../helpers/waitFor';
import { collectErrors, openBrowser as openTestBrowser, requireBuild, tempDirs, waitConnected } from './helpers';

const SP = 'Plant/HeatExchanger/TIC/SP';
const OPERATOR = { user: 'op-sec', password: 'operator-sec-pw' };
const ENGINEER = { user: 'eng-sec', password: 'engineer-sec-pw' };
const VIEWER_HINT = 'Log in as an operator to write';
/** The refusals staged below: the browser logs each failed request as a console error. */
const STAGED = /status of (401|403|429)\b/;

const temp = tempDirs();
const freshDir = temp.fresh;

afterAll(() => {
  temp.removeAll();
});

interface ApiTag {
  path: string;
  value: number | boolean | null;
}

/** A browser on a fresh profile, its page, and the page's errors (staged refusals left out). */
async function openBrowser(prefix: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const { context, page } = await openTestBrowser(freshDir(prefix));
  const errors: string[] = [];
  collectErrors(page, errors, (text) => STAGED.test(text));
  return { context, page, errors };
}

const userMenu = (page: Page) => page.locator('[data-testid="user-menu"]');

/** Through the header's user menu and the login dialog, as a person would. */
async function logInThroughDialog(page: Page, user: string, password: string): Promise<void> {
  await userMenu(page).click();
  const item = page.locator('[data-testid="user-menu-login"], [data-testid="user-menu-switch"]');
  await item.first().click();
  const dialog = page.locator('[data-testid="login-dialog"]');
  await dialog.waitFor({ state: 'visible', timeout: 5_000 });
  await expect.poll(() => dialog.locator('[data-testid="login-user"]:focus').count()).toBe(1);
  await dialog.locator('[data-testid="login-user"]').fill(user);
  await dialog.locator('[data-testid="login-password"]').fill(password);
  await dialog.locator('[data-testid="login-submit"]').click();
  await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  await page.locator(`[data-testid="user-menu"][data-user="${user}"]`).waitFor({ timeout: 10_000 });
}

describe('security (serve mode, demo plant, Chromium)', () => {
  let serve: ServeProcess | null = null;
  let context: BrowserContext | null = null;
  let page: Page;
  let errors: string[] = [];
  let baseUrl = '';
  let operatorToken = '';
  let engineerToken = '';
  const row = () => page.locator(`[data-testid="tag-row"][data-path="${SP}"]`);
  const writeDialog = () => page.locator('[data-testid="write-dialog"]');

  beforeAll(async () => {
    requireBuild();
    const work = freshDir('hmi-e2e-security-');
    const project = await demoProjectOnFreePort(work);
    serve = startServe(['--port', '0', '--project', project, '--data', join(work, 'data')]);
    baseUrl = await serve.url;
    ({ token: operatorToken } = await createUser(baseUrl, OPERATOR.user, 'operator', OPERATOR.password));
    ({ token: engineerToken } = await createUser(baseUrl, ENGINEER.user, 'engineer', ENGINEER.password));
    ({ context, page, errors } = await openBrowser('hmi-e2e-security-profile-'));
    await page.goto(`${baseUrl}/`);
    await waitConnected(page);
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    context = null;
    await serve?.stop();
  }, 30_000);

  it('(a) a viewer cannot open the write dialog, by key or by menu, and a write from the page is refused (403)', async () => {
    await page.locator('[data-testid="user-menu"][data-logged-in="false"]').waitFor({ timeout: 10_000 });
    expect(await userMenu(page).textContent()).toContain('Viewer (not logged in)');

    await page.locator('[data-testid="search"]').fill(SP);
    await row().waitFor({ timeout: 10_000 });
    expect(await row().getAttribute('data-writable')).toBe('true');

    // The row's button is there, off, and says who may.
    const button = row().locator('[data-testid="write-button"]');
    expect(await button.isDisabled()).toBe(true);
    expect(await button.getAttribute('title')).toBe(VIEWER_HINT);

    // Enter on the selected row: no dialog, the reason in the status bar.
    await row().click();
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="gate-hint"]').waitFor({ timeout: 5_000 });
    expect(await page.locator('[data-testid="gate-hint"]').textContent()).toContain(VIEWER_HINT);
    // A double click neither.
    await row().dblclick();
    await page.waitForTimeout(300);
    expect(await writeDialog().count()).toBe(0);

    // The row's menu: Write… is there, off, with the reason.
    await row().click({ button: 'right' });
    const item = page.locator('[data-testid="tag-context-write"]');
    await item.waitFor({ timeout: 5_000 });
    expect(await item.isDisabled()).toBe(true);
    expect(await item.getAttribute('title')).toBe(VIEWER_HINT);
    expect(await item.textContent()).toContain(VIEWER_HINT);
    await page.keyboard.press('Escape');
    await item.waitFor({ state: 'detached', timeout: 5_000 });
    // The details strip's button too.
    expect(await page.locator('[data-testid="details-write"]').isDisabled()).toBe(true);
    expect(await writeDialog().count()).toBe(0);

    // The runtime decides anyway: a write from the page's own context is refused.
    const answer = await page.evaluate(async (path) => {
      const response = await fetch('/api/tags.write', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path, value: 42 }),
      });
      return { status: response.status, body: (await response.json()) as { error?: { kind: string; message: string } } };
    }, SP);
    expect(answer.status).toBe(403);
    expect(answer.body.error?.kind).toBe('forbidden');

    // Nor is anything else operable: acknowledging, and the simulator's faults.
    expect(await page.locator('[data-testid="sim-link"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-testid="sim-denied"]').textContent()).toContain('Log in as an engineer');
    expect(await page.locator('[data-testid="view-tab-admin"]').count()).toBe(0);
    await page.keyboard.press('Alt+3');
    const ackButton = page.locator('[data-testid="alarm-ack-selected"]');
    await ackButton.waitFor({ timeout: 5_000 });
    expect(await ackButton.isDisabled()).toBe(true);
    expect(await ackButton.getAttribute('title')).toBe('Log in as an operator to acknowledge alarms');
    await page.keyboard.press('Alt+1');
  }, 40_000);

  it('(b) an operator writes through the dialog; an engineer sees the write in the audit trail, and the chain verifies', async () => {
    await logInThroughDialog(page, OPERATOR.user, OPERATOR.password);
    expect(await userMenu(page).getAttribute('data-role')).toBe('operator');
    expect(await page.locator('[data-testid="user-role"]').textContent()).toBe('Operator');
    // An operator has no Admin screen either.
    expect(await page.locator('[data-testid="view-tab-admin"]').count()).toBe(0);

    const before = (await callApi<ApiTag[]>(baseUrl, 'tags.list', { search: SP })).find((t) => t.path === SP);
    expect(typeof before?.value).toBe('number');
    const value = Math.abs((before!.value as number) - 61.5) > 1 ? 61.5 : 57.5;

    await page.locator('[data-testid="search"]').fill(SP);
    const button = row().locator('[data-testid="write-button"]');
    await poll(async () => !(await button.isDisabled()), 'the Write button to be on for the operator', 5_000);
    await row().click();
    await page.keyboard.press('Enter');
    const dialog = writeDialog();
    await dialog.waitFor({ state: 'visible', timeout: 5_000 });
    await dialog.locator('[data-testid="write-input"]').fill(String(value));
    await dialog.locator('[data-testid="write-next"]').click();
    await dialog.locator('[data-testid="write-confirm"]').click();
    const result = dialog.locator('[data-testid="write-result"]');
    await result.waitFor({ timeout: 15_000 });
    expect(await result.getAttribute('data-ok'), (await result.textContent()) ?? '').toBe('true');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });

    // An engineer (audit.read) opens the audit trail: Alt+4, the Admin screen.
    await logInThroughDialog(page, ENGINEER.user, ENGINEER.password);
    await page.locator('[data-testid="view-tab-admin"]').waitFor({ timeout: 5_000 });
    await page.keyboard.press('Alt+4');
    await page.locator('[data-testid="audit-view"]').waitFor({ timeout: 5_000 });
    // Users are the administrator's: no sub-tab for an engineer.
    expect(await page.locator('[data-testid="admin-tab-users"]').count()).toBe(0);

    const write = page.locator(
      `[data-testid="audit-row"][data-action="tags.write"]:has([data-testid="audit-user-cell"]:text-is("${OPERATOR.user}"))`,
    );
    await write.first().waitFor({ timeout: 10_000 });
    const shown = write.first();
    expect(await shown.locator('[data-testid="audit-user-cell"]').textContent()).toBe(OPERATOR.user);
    expect(await shown.locator('[data-testid="audit-action-cell"]').textContent()).toContain('Tag written');
    expect(await shown.textContent()).toContain(SP);
    expect(await shown.locator('[data-testid="audit-old"]').textContent()).toBe(JSON.stringify(before!.value));
    expect(await shown.locator('[data-testid="audit-new"]').textContent()).toBe(String(value));
    // The viewer's refused write is there too, marked as a refusal.
    expect(await page.locator('[data-testid="audit-row"][data-action="denied"][data-refused]').count()).toBeGreaterThan(0);

    // The user filter asks the runtime for that user's entries only.
    await page.locator('[data-testid="audit-user"]').fill(OPERATOR.user);
    await poll(
      async () => {
        const users = await page.$$eval('[data-testid="audit-row"] [data-testid="audit-user-cell"]', (cells) =>
          cells.map((c) => c.textContent),
        );
        return users.length > 0 && users.every((u) => u === OPERATOR.user);
      },
      'only the operator’s entries',
      10_000,
    );

    // The hash chain: intact.
    await page.locator('[data-testid="audit-verify"]').click();
    const verdict = page.locator('[data-testid="audit-verify-result"]');
    await verdict.waitFor({ timeout: 10_000 });
    expect(await verdict.getAttribute('data-ok')).toBe('true');
    expect(await verdict.textContent()).toContain('Chain intact');

    // CSV of what is shown, with the hashes.
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 15_000 }),
      page.locator('[data-testid="audit-export-csv"]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^audit-trail-\d{8}-\d{6}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('seq,time,user,workstation,action,target,old_value,new_value,comment,prev_hash,hash');
    expect(csv).toContain(`,${OPERATOR.user},`);
    expect(csv).toContain(`,tags.write,${SP},${JSON.stringify(before!.value)},${value},`);

    // The runtime agrees with what the screen said; an operator may not ask it.
    expect(await callApi<{ ok: boolean }>(baseUrl, 'audit.verify', {}, engineerToken)).toMatchObject({ ok: true, brokenAt: null });
    await expect(callApi(baseUrl, 'audit.verify', {}, operatorToken)).rejects.toThrow(/HTTP 403/);
  }, 60_000);

  // Last in this runtime: the limit holds for every login from 127.0.0.1 for a minute.
  it('(c) a wrong password is refused in the runtime’s words; six in a row meet the rate limit', async () => {
    await userMenu(page).click();
    await page.locator('[data-testid="user-menu-switch"]').click();
    const dialog = page.locator('[data-testid="login-dialog"]');
    await dialog.waitFor({ state: 'visible', timeout: 5_000 });
    const error = dialog.locator('[data-testid="login-error"]');
    const attempt = async () => {
      await dialog.locator('[data-testid="login-user"]').fill(OPERATOR.user);
      await dialog.locator('[data-testid="login-password"]').fill('not-the-password');
      await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/auth.login'), { timeout: 10_000 }),
        dialog.locator('[data-testid="login-submit"]').click(),
      ]);
      await poll(async () => (await dialog.locator('[data-testid="login-submit"]').textContent()) !== 'Checking…', 'the answer', 5_000);
    };

    await attempt();
    await error.waitFor({ timeout: 5_000 });
    expect(await error.getAttribute('data-kind')).toBe('unauthenticated');
    expect(await error.textContent()).toMatch(/unknown user or wrong password/i);
    // Still open, the password emptied for the next try; the user is a viewer now.
    expect(await dialog.locator('[data-testid="login-password"]').inputValue()).toBe('');

    for (let i = 2; i <= 6; i++) await attempt();
    await poll(async () => (await error.getAttribute('data-kind')) === 'rate_limited', 'the rate limit', 5_000);
    expect(await error.textContent()).toMatch(/too many failed logins: try again in \d+ s/i);
    const submit = dialog.locator('[data-testid="login-submit"]');
    expect(await submit.isDisabled()).toBe(true);
    expect(await submit.textContent()).toMatch(/\(\d+ s\)$/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    expect(await userMenu(page).getAttribute('data-logged-in')).toBe('false');
  }, 40_000);

  it('ran without page errors', () => {
    expect(errors).toEqual([]);
  });
});

describe('first start (serve mode, fresh data folder, Chromium)', () => {
  let serve: ServeProcess | null = null;
  let context: BrowserContext | null = null;
  let page: Page;
  let errors: string[] = [];
  let baseUrl = '';

  beforeAll(async () => {
    requireBuild();
    const work = freshDir('hmi-e2e-firststart-');
    const project = await demoProjectOnFreePort(work);
    serve = startServe(['--port', '0', '--project', project, '--data', join(work, 'data')]);
    baseUrl = await serve.url;
    ({ context, page, errors } = await openBrowser('hmi-e2e-firststart-profile-'));
  }, 60_000);

  afterAll(async () => {
    await context?.close().catch(() => {});
    context = null;
    await serve?.stop();
  }, 30_000);

  it('(d) offers "Create the administrator" over the plant, and creating it logs in as administrator', async () => {
    expect(serve!.log()).toContain('no users yet');
    await page.goto(`${baseUrl}/`);
    const dialog = page.locator('[data-testid="setup-dialog"]');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await dialog.textContent()).toContain('Create the administrator');
    // The plant is there behind it: live rows, the banner saying why nothing is operable.
    await page.locator('[data-testid="tag-row"]').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="setup-banner"]').textContent()).toContain('No users yet');
    expect(await userMenu(page).textContent()).toContain('Viewer (not logged in)');

    // Put off, it stays on offer in the banner.
    await dialog.locator('[data-testid="setup-later"]').click();
    await dialog.waitFor({ state: 'detached', timeout: 5_000 });
    await page.locator('[data-testid="setup-open"]').click();
    await dialog.waitFor({ state: 'visible', timeout: 5_000 });

    // Checked before anything is sent: length, then the repetition.
    await dialog.locator('[data-testid="setup-user"]').fill('chief');
    await dialog.locator('[data-testid="setup-password"]').fill('short');
    await dialog.locator('[data-testid="setup-repeat"]').fill('short');
    await dialog.locator('[data-testid="setup-submit"]').click();
    expect(await dialog.locator('[data-testid="setup-problem"]').textContent()).toContain('at least 8 characters');
    await dialog.locator('[data-testid="setup-password"]').fill('chief-password');
    await dialog.locator('[data-testid="setup-repeat"]').fill('chief-passwort');
    await dialog.locator('[data-testid="setup-submit"]').click();
    expect(await dialog.locator('[data-testid="setup-problem"]').textContent()).toContain('differ');
    expect(
      (await callApi<{ setupRequired: boolean }>(baseUrl, 'auth.session', {})).setupRequired,
      'nothing was sent yet',
    ).toBe(true);

    await dialog.locator('[data-testid="setup-repeat"]').fill('chief-password');
    await dialog.locator('[data-testid="setup-submit"]').click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator('[data-testid="user-menu"][data-user="chief"][data-role="administrator"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="setup-banner"]').waitFor({ state: 'detached', timeout: 5_000 });

    // The administrator has the Admin screen, and is its only user.
    await page.keyboard.press('Alt+4');
    await page.locator('[data-testid="users-view"]').waitFor({ timeout: 5_000 });
    await page.locator('[data-testid="user-row"][data-user="chief"][data-role="administrator"]').waitFor({ timeout: 5_000 });
    expect(await page.locator('[data-testid="user-row"]').count()).toBe(1);
    const session = await page.evaluate(async () => {
      const response = await fetch('/api/auth.session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return (await response.json()) as { user: string; role: string; setupRequired: boolean };
    });
    expect(session).toMatchObject({ user: 'chief', role: 'administrator', setupRequired: false });
  }, 60_000);

  it('locks the screen: logged out, nothing operable behind the overlay, the password unlocks', async () => {
    await userMenu(page).click();
    await page.locator('[data-testid="user-menu-lock"]').click();
    const lock = page.locator('[data-testid="lock-overlay"]');
    await lock.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await lock.textContent()).toContain('Locked by chief');
    await page.locator('[data-testid="user-menu"][data-logged-in="false"]').waitFor({ timeout: 5_000 });
    // The runtime agrees: the session is gone.
    const session = await page.evaluate(async () => {
      const response = await fetch('/api/auth.session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      return (await response.json()) as { user: string | null };
    });
    expect(session.user).toBeNull();
    // The Admin screen went with the login; keys do not reach the HMI behind
    // the lock (Alt+3 would open the alarms), Esc does not close it.
    await page.locator('main[data-view="tags"]').waitFor({ timeout: 5_000 });
    await page.keyboard.press('Alt+3');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(200);
    expect(await lock.isVisible()).toBe(true);
    expect(await page.locator('main[data-view="tags"]').count()).toBe(1);
    // The password field has the keyboard; the user is filled in.
    expect(await lock.locator('[data-testid="login-user"]').inputValue()).toBe('chief');
    await expect.poll(() => lock.locator('[data-testid="login-password"]:focus').count()).toBe(1);
    await page.keyboard.type('chief-password');
    await page.keyboard.press('Enter');
    await lock.waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator('[data-testid="user-menu"][data-user="chief"]').waitFor({ timeout: 5_000 });
    // Back where the lock found it.
    await page.locator('main[data-view="admin"]').waitFor({ timeout: 5_000 });
  }, 30_000);

  it('says "Your session ended" when the runtime no longer knows the login, and shows its refusal', async () => {
    await page.locator('[data-testid="users-view"]').waitFor({ timeout: 5_000 });
    // Logged out elsewhere (another tab of this browser shares the cookie).
    await page.evaluate(() =>
      fetch('/api/auth.logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
    );
    // The runtime refuses what the login allowed; the HMI hears of the end on
    // its `auth.session` stream, without asking (it no longer waits for a refusal).
    const refused = await page.evaluate(() =>
      fetch('/api/users.add', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'late', role: 'viewer', password: 'late-password' }),
      }).then((r) => r.status),
    );
    expect(refused).toBe(403);
    const notice = page.locator('[data-testid="session-notice"]');
    await notice.waitFor({ timeout: 10_000 });
    expect(await notice.textContent()).toContain('Your session ended');
    await page.locator('[data-testid="user-menu"][data-logged-in="false"]').waitFor({ timeout: 5_000 });
    // The Admin screen went with the login.
    await page.locator('[data-testid="view-tab-admin"]').waitFor({ state: 'detached', timeout: 5_000 });
    expect(await page.locator('main[data-view="tags"]').count()).toBe(1);
    expect(errors).toEqual([]);
  }, 30_000);
});
