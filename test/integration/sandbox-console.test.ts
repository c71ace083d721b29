import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Route } from '../../src/policy/route-schema';
import { startSandboxConsole } from '../../src/sandbox/console';
import { sandboxRoutingKey } from '../../src/sandbox/world';
import type { Served } from '../../src/sandbox/serve';
import { eventually } from '../helpers/eventually';
import { startStack, type Stack } from '../helpers/stack';
import { APPROVERS, testPolicy } from '../helpers/test-policy';

const SCREENSHOT = resolve(__dirname, '..', '..', 'test-results', 'sandbox-console.png');
const [APPROVER] = APPROVERS as [string];
const BYSTANDER = 'U0BYSTANDER';
// Without the background-networking flags Chromium keeps dialling Google's hosts, which this network refuses.
// --headless, --no-sandbox and a fresh --user-data-dir come from playwright-core itself.
const PAYMENTS_CHANNEL = 'C0PAYMENTS';
const PAYMENTS_KEY = sandboxRoutingKey();
/** A route whose P1s page its on-call at once, so a page shows in the console's PagerDuty panel. */
const PAYMENTS_ROUTE: Route = {
  name: 'payments',
  match: { assignmentGroups: ['Payments SRE'] },
  channel: PAYMENTS_CHANNEL,
  investigateUpTo: '5',
  oncall: { routingKey: PAYMENTS_KEY, escalationRoutingKeys: [], pageAtOnceUpTo: '1' },
};
const CHROMIUM_ARGS = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('the sandbox console in headless Chromium', () => {
  let stack: Stack | undefined;
  let sandboxConsole: Served | undefined;
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
    await sandboxConsole?.close();
    await stack?.close();
  });

  const incidentRow = (page: Page, number: string) => page.locator(`tr[data-incident="${number}"]`);
  const threadOf = (page: Page, number: string) => page.locator('.thread-root').filter({ hasText: number });

  it('opens an incident through the form, shows its thread, and resolves it with the Approve button', async () => {
    // The global setup installs the browser when it can, and says why when it cannot.
    const executablePath = process.env.OPSLOOP_TEST_CHROMIUM;
    if (!executablePath) throw new Error(process.env.OPSLOOP_TEST_CHROMIUM_MISSING ?? 'the global setup did not look for Chromium');
    stack = await startStack({ policy: testPolicy({ routes: [PAYMENTS_ROUTE] }), channels: [{ id: PAYMENTS_CHANNEL, name: 'payments-incidents', botIsMember: true }] });
    const { servicenow, slack, pagerduty } = stack;
    pagerduty.routingKeys.add(PAYMENTS_KEY);
    servicenow.installBusinessRule({ url: stack.apiUrl, secret: stack.serviceNowWebhookSecret });
    sandboxConsole = await startSandboxConsole({
      slack,
      servicenow,
      pagerduty: { fake: pagerduty, routingKeyNames: { [PAYMENTS_KEY]: 'PAGERDUTY_ROUTING_KEY_PAYMENTS' } },
      apiUrl: stack.apiUrl,
      signingSecret: stack.signingSecret,
      webUiUrl: 'http://localhost:8233',
      users: [
        { id: BYSTANDER, name: 'bystander', role: 'not an approver' },
        { id: APPROVER, name: 'approver', role: 'approver' },
      ],
    });
    browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1440, height: 1400 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(sandboxConsole.url);
    await page.locator('#live', { hasText: 'live' }).waitFor();
    // The route's channel is there before its first incident; no pages yet.
    await expect(page.locator(`.channel-name[data-channel="${PAYMENTS_CHANNEL}"]`).innerText()).resolves.toContain('# payments-incidents');
    await page.locator('#no-pages').waitFor();

    // The description is hostile on purpose: the console must show it as text, never run it.
    const number = servicenow.nextIncidentNumber();
    const hostile = 'Checkout 5xx <img src=x onerror="window.pwned=1"> & <b>bold</b>';
    const form = page.locator('#new-incident');
    await form.locator('[name=short_description]').fill(hostile);
    await form.locator('[name=priority]').selectOption('2');
    await form.locator('[name=cmdb_ci]').fill('checkout-api');
    await form.locator('button[type=submit]').click();
    await page.locator('#notice', { hasText: `Opened ${number}` }).waitFor();

    // The form went through the fake ServiceNow, whose Business Rule posted the signed webhook.
    await eventually(() => servicenow.deliveries.find((d) => d.number === number && d.status === 202), 10_000, 'the Business Rule delivery');
    await incidentRow(page, number).waitFor();
    expect(await incidentRow(page, number).locator('a').getAttribute('href')).toBe(
      `http://localhost:8233/namespaces/default/workflows/${encodeURIComponent(`incident/${number}`)}`,
    );

    const thread = threadOf(page, number);
    const approve = thread.getByRole('button', { name: 'Approve resolution' });
    await approve.waitFor({ timeout: 30_000 });
    await expect(thread.locator('.thread .msg').count()).resolves.toBeGreaterThan(0);
    await expect(thread.locator('.msg').first().innerText()).resolves.toContain('<img src=x onerror="window.pwned=1"> & <b>bold</b>');
    expect(await thread.locator('img, b:text-is("bold")').count()).toBe(0);

    // Someone who may not approve is refused, and the ephemeral answer shows only to them.
    await page.locator('#user').selectOption(BYSTANDER);
    await approve.click();
    await page.locator('#log li', { hasText: '@bystander clicked' }).locator('.reply').first().waitFor({ timeout: 15_000 });
    expect(servicenow.incident(number)!.state).toBe('1');

    await page.locator('#user').selectOption(APPROVER);
    await threadOf(page, number).getByRole('button', { name: 'Approve resolution' }).click();
    await incidentRow(page, number).locator('.state', { hasText: 'Resolved' }).waitFor({ timeout: 30_000 });
    expect(servicenow.incident(number)).toMatchObject({ state: '6', close_code: 'Solution provided' });
    await threadOf(page, number).locator('.msg').first().filter({ hasText: 'Resolved' }).waitFor();
    await expect(threadOf(page, number).getByRole('button').count()).resolves.toBe(0);
    expect(slack.calls.some((c) => c.method === 'chat.update')).toBe(true);

    // A P1 of the payments route pages its on-call at once: the alert is listed, and turns resolved once decided.
    const p1 = servicenow.nextIncidentNumber();
    await form.locator('[name=short_description]').fill('Card authorisations failing');
    await form.locator('[name=priority]').selectOption('1');
    await form.locator('[name=assignment_group]').fill('Payments SRE');
    await form.locator('button[type=submit]').click();
    const pageRow = page.locator(`#pages tr[data-dedup-key="opsloop/${p1}/level-1"]`);
    await pageRow.locator('.page-triggered').waitFor({ timeout: 30_000 });
    const shown = await pageRow.innerText();
    for (const text of [p1, 'payments · level 1', '${PAGERDUTY_ROUTING_KEY_PAYMENTS}', 'critical', 'Card authorisations failing']) expect(shown).toContain(text);
    expect(shown).not.toContain(PAYMENTS_KEY);
    expect(await page.locator('#no-pages').isHidden()).toBe(true);
    await expect(threadOf(page, p1).locator('xpath=preceding-sibling::div[contains(@class,"channel-name")][1]').getAttribute('data-channel')).resolves.toBe(PAYMENTS_CHANNEL);
    await threadOf(page, p1).getByRole('button', { name: 'Reject' }).click();
    await pageRow.locator('.page-resolved').waitFor({ timeout: 30_000 });

    // The slash-command box: a signed /ops command as the chosen user, with its ephemeral answer.
    await page.locator('#command [name=line]').fill(`/ops status ${number}`);
    await page.locator('#command button[type=submit]').click();
    await page.locator('#log li', { hasText: `/ops status ${number}` }).locator('.reply').first().waitFor();

    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(pageErrors).toEqual([]);
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
