// A zero-employment household followed up: the team records a job
// referral on the phone with no signal, it reaches the server when the
// network returns, the supervisor sees it on the follow-up list, and once
// a survey finds the labourer at work the household is cleared, with when
// and why.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { HouseholdPage, LoginPage, RosterPage } from "./support/pages.mjs";
import { startServer } from "./support/server.mjs";

let server;
let browser;
let dir;
let clock;

before(async () => {
  // The server's calendar reads this file, so the test can move to the
  // day the items fall overdue.
  dir = mkdtempSync(join(tmpdir(), "anju-clock-"));
  clock = join(dir, "now");
  writeFileSync(clock, new Date().toISOString());
  server = await startServer({ env: { ANJU_CLOCK_FILE: clock } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function json(page, path) {
  return page.evaluate(async (path) => (await fetch(path)).json(), path);
}

test("a referral recorded offline reaches the supervisor, and a later survey clears the household", async () => {
  const phone = await newPhone(browser);
  const page = await phone.newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  await page.waitForFunction(async () => (await navigator.serviceWorker.ready).active !== null);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  // A zero-employment household of the team's grid whose first member is
  // a labourer out of work.
  const listed = await json(page, "/api/v1/follow-up?list=zero_employment&sort=household");
  const codes = new Set(listed.items.map((i) => i.household));
  const { households } = await json(page, "/api/v1/roster");
  const household = households.find(
    (h) => codes.has(h.code) && ["skilled", "ordinary"].includes(h.members[0].record.capacity) && h.members[0].record.employment === "unemployed",
  );
  assert.ok(household, "the demo has a zero-employment household in grid 1");
  const { code } = household;
  const person = household.members[0].person;

  // The team's list marks the households on the zero-employment and
  // low-income lists, by the server's rules, the same ones the server lists.
  const low = await json(page, "/api/v1/follow-up?list=low_income&sort=household&limit=100");
  assert.ok(low.items.length < 100, "the demo's low-income list fits a page");
  const marked = (list) =>
    page.locator(`[data-testid^='household-']:has([data-testid='mark-${list}'])`).evaluateAll((rows) =>
      rows.map((row) => row.dataset.testid.replace(/^household-/, "")).sort(),
    );
  const inRoster = new Set(households.map((h) => h.code));
  assert.deepEqual(await marked("zero_employment"), [...codes].filter((c) => inRoster.has(c)).sort());
  assert.deepEqual(
    await marked("low_income"),
    low.items.map((i) => i.household).filter((c) => inRoster.has(c)).sort(),
  );
  assert.equal(await roster.household(code).getByTestId("mark-zero_employment").innerText(), "零就业");
  await roster.household(code).scrollIntoViewIfNeeded();
  await screenshot(page, "follow-up-marks");

  await phone.setOffline(true);
  await roster.open(code);
  await page.getByTestId("help-open").click();
  await page.getByTestId(`help-member-${person}`).click();
  await page.getByTestId("help-kind-job_referral").click();
  await page.getByTestId("help-save").click();
  // A referral names its employer and post.
  await page.getByRole("alert").filter({ hasText: "岗位推荐须填写用工单位和岗位" }).waitFor();
  await page.getByTestId("help-employer").fill("县城物流园");
  await page.getByTestId("help-post").fill("分拣员");
  await page.getByTestId("help-note").fill("下周一面试");
  await page.getByTestId("help-save").click();
  await page.getByTestId("help-saved").filter({ hasText: "待发送" }).waitFor();
  await page.getByTestId("help").scrollIntoViewIfNeeded();
  await screenshot(page, "help-recorded-offline");
  await phone.setOffline(false);
  await page.getByTestId("help-saved").filter({ hasText: "已发送" }).waitFor({ timeout: 60_000 });

  // The supervisor sees the referral on the household's item.
  const desk = await newPhone(browser);
  const supervisor = await desk.newPage();
  await supervisor.goto(server.url);
  await new LoginPage(supervisor).logIn("supervisor");
  await supervisor.getByTestId("nav-indicators").click();
  const item = supervisor.getByTestId("zero-list").getByTestId(`item-${code}`);
  await item.waitFor();
  const text = await item.innerText();
  assert.match(text, /岗位推荐/);
  assert.match(text, /县城物流园 · 分拣员 · 下周一面试/);
  assert.match(text, /驻点工作队 李文华/);
  assert.match(text, /纳入 \d{4}-\d{2}-\d{2} · 限 \d{4}-\d{2}-\d{2}/);
  await supervisor.getByTestId("zero-list-counts").filter({ hasText: /在册 \d+ · 超期 0/ }).waitFor();
  await item.scrollIntoViewIfNeeded();
  await screenshot(supervisor, "follow-up-list");

  // A survey finds the labourer at work.
  await page.getByTestId("nav-households").click();
  await roster.open(code);
  const form = new HouseholdPage(page);
  await form.setEmployment(person, "employed");
  await form.setChannel(person, "workshop");
  await form.setWorkPlace(person, "in_county");
  await form.setMonthsAndIncome(person, 2, 2600);
  await form.submit();
  // Back on the list, the household is no longer marked.
  await page.getByTestId("back-to-list").click();
  await roster.household(code).waitFor();
  assert.equal(await roster.household(code).getByTestId("mark-zero_employment").count(), 0);

  await supervisor.reload();
  await supervisor.getByTestId("zero-list-counts").waitFor();
  assert.equal(await supervisor.getByTestId("zero-list").getByTestId(`item-${code}`).count(), 0);
  await supervisor.getByTestId("zero-list-switch").click();
  const cleared = supervisor.getByTestId("zero-list").getByTestId(`item-${code}`);
  await cleared.waitFor();
  assert.match(await cleared.innerText(), /销号 \d{4}-\d{2}-\d{2} · 已就业/);
  assert.match(await cleared.innerText(), /岗位推荐/);

  // Six days on, what is still open is overdue: marked, counted, and the
  // places with the most shown first.
  writeFileSync(clock, new Date(Date.now() + 6 * 86_400_000).toISOString());
  await supervisor.reload();
  const counts = supervisor.getByTestId("zero-list-counts");
  await counts.waitFor();
  const [, open, overdue] = (await counts.innerText()).match(/在册 (\d+) · 超期 (\d+)/);
  assert.ok(Number(open) > 0);
  assert.equal(overdue, open);
  await supervisor.getByTestId("zero-list").locator(".badge.overdue").first().waitFor();
  assert.equal(Number(await supervisor.getByTestId("figure-overdue").locator(".figure-value").innerText()), Number(open));
  assert.ok((await supervisor.getByTestId("chart-overdue").locator("g").count()) > 0);
  await screenshot(supervisor, "follow-up-overdue");
  assert.deepEqual(pageErrors, []);
  await phone.close();
  await desk.close();
});

test("the indicators show the last rounds, and the dispatch report prints on A4 and downloads", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(server.url);
  await new LoginPage(page).logIn("supervisor");
  await page.getByTestId("nav-indicators").click();
  const trends = await json(page, "/api/v1/trends");
  const chart = page.getByTestId("trend-employment-rate");
  await chart.waitFor();
  // A dot per round the ledger holds, the latest value written out.
  assert.equal(await chart.locator("circle").count(), trends.rounds.length);
  const latest = trends.rounds.at(-1).tally;
  const rate = ((latest.employed_labourers / latest.labourers) * 100).toFixed(2) + "%";
  assert.equal(await chart.locator(".trend-latest").innerText(), rate);
  assert.match(await page.getByTestId("changes").innerText(), new RegExp(`本季度新增零就业家庭 ${trends.changes.newly_zero_employment}`));
  await chart.scrollIntoViewIfNeeded();
  await screenshot(page, "trends");

  await page.getByTestId("open-dispatch").click();
  await page.getByTestId("dispatch-table").waitFor();
  const report = await json(page, "/api/v1/dispatch?period=week");
  assert.equal(await page.getByTestId("dispatch-line").count(), report.lines.length);
  const total = page.getByTestId("dispatch-total");
  assert.match(await total.innerText(), /合计/);
  assert.match(await page.getByTestId("dispatch-heading").innerText(), new RegExp(`${report.from} – ${report.to}`));
  await page.getByTestId("period-month").click();
  await page.getByTestId("dispatch-heading").filter({ hasText: /-01 – / }).waitFor();
  await screenshot(page, "dispatch");

  // The workbook behind the download link.
  const href = await page.getByTestId("download-xlsx").getAttribute("href");
  const download = await page.evaluate(async (href) => {
    const res = await fetch(href);
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, type: res.headers.get("content-type"), zip: bytes[0] === 0x50 && bytes[1] === 0x4b };
  }, href);
  assert.equal(download.status, 200);
  assert.match(download.type, /spreadsheetml/);
  assert.ok(download.zip, "an xlsx is a zip");

  // Printed: the table alone, on A4.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator(".top-bar").isVisible(), false);
  assert.equal(await page.getByTestId("nav-indicators").isVisible(), false);
  assert.equal(await page.getByTestId("print").isVisible(), false);
  assert.ok(await page.getByTestId("dispatch-table").isVisible());
  const pdf = await page.pdf({ format: "A4", landscape: true, preferCSSPageSize: true });
  assert.equal(pdf.subarray(0, 4).toString(), "%PDF");
  const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.equal(pages, 1, "the area's report fits one A4 page");
  assert.deepEqual(pageErrors, []);
  await context.close();
});
