// A resident work team at an area of many households works through it a
// building at a time: the buildings with their progress, one opened, a
// household surveyed, and back to the same place in the list; today's
// buildings to narrow it to; a search as the user types.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { HouseholdPage, LoginPage } from "./support/pages.mjs";
import { anju, startServer } from "./support/server.mjs";

const BUILDINGS = 12;
const FLOORS = 10;
const ROOMS = 4;
const PASSWORD = "stairwell-seven-7";

let server;
let browser;

/** A valid 18-digit ID number for the `n`th person, born in 1980. */
function residentId(n) {
  const body = `11010519800101${String(n % 1000).padStart(3, "0")}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + "10X98765432"[sum % 11];
}

/** An area of twelve buildings of forty households, one person each. */
function roster() {
  const lines = ["\ufeff户编号,网格编号,网格,安置区,楼栋,楼层,房号,人员编号,姓名,公民身份号码"];
  let n = 0;
  for (let b = 1; b <= BUILDINGS; b++) {
    for (let floor = 1; floor <= FLOORS; floor++) {
      for (let r = 1; r <= ROOMS; r++) {
        n += 1;
        const room = `${floor}0${r}`;
        const code = `N-${b}-${room}`;
        lines.push(`${code},G7,第七网格,新区安置区,${b}号楼,${floor},${room},${code}-1,居民${b}栋${room},${residentId(n)}`);
      }
    }
  }
  return lines.join("\r\n") + "\r\n";
}

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const admin = await (await newPhone(browser)).newPage();
  await admin.goto(server.url);
  await new LoginPage(admin).logIn("admin");
  const imported = await admin.evaluate(async (csv) => {
    const res = await fetch("/api/v1/roster/import", { method: "POST", headers: { "content-type": "text/csv" }, body: csv });
    return { status: res.status, body: await res.text() };
  }, roster());
  assert.equal(imported.status, 200, imported.body);
  anju(["user", "add", "team7", "--role", "surveyor", "--place", "新区安置区", "--name", "驻点工作队 李强", "--database", server.database], `${PASSWORD}\n`);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const building = (page, n) => page.getByTestId(`building-${n}号楼`);

/** On the household opened: its one member at work in the workshop for `months` months. */
async function surveyAtWork(page, months, income) {
  await page.getByTestId("household-title").waitFor();
  const household = new HouseholdPage(page);
  const [person] = await household.members().evaluateAll((cards) => cards.map((c) => c.dataset.testid.replace(/^member-/, "")));
  await household.setEmployment(person, "employed");
  await household.setChannel(person, "workshop");
  await household.setWorkPlace(person, "in_county");
  await household.setMonthsAndIncome(person, months, income);
  return household;
}

test("a team works through a building of a large area and comes back to where it was", async () => {
  const page = await (await newPhone(browser)).newPage();
  const pageErrors = [];
  page.on("pageerror", (err) => pageErrors.push(err.message));
  await page.goto(server.url);
  await new LoginPage(page).logIn("team7", PASSWORD);

  // The buildings, each with its progress, and no household drawn yet.
  await page.getByTestId("area-list").waitFor();
  await building(page, 1).waitFor();
  assert.equal(await page.locator("li.building").count(), BUILDINGS);
  assert.equal((await building(page, 9).getByTestId("progress").innerText()).trim(), "0/40");
  assert.equal(await page.locator("[data-testid^='household-N-']").count(), 0);
  await screenshot(page, "area-buildings");

  // Today: buildings 8 and 9, and the list narrowed to them.
  await building(page, 8).getByTestId("today").click();
  await building(page, 9).getByTestId("today").click();
  const todayOnly = page.getByTestId("today-only");
  assert.match(await todayOnly.innerText(), /只看今日楼栋 \(2\)/);
  await todayOnly.click();
  assert.equal(await page.locator("li.building").count(), 2);

  // Building 9 opened: its forty households by floor, and only those.
  await building(page, 9).getByRole("button", { name: /9号楼/ }).click();
  await page.getByTestId("household-N-9-1004").waitFor();
  assert.equal(await page.locator("[data-testid^='household-N-']").count(), FLOORS * ROOMS);
  assert.ok(await page.getByTestId("household-N-8-101").count() === 0, "building 8 stays closed");

  // The last floor's household, down the screen, surveyed.
  await page.getByTestId("household-N-9-1004").scrollIntoViewIfNeeded();
  const scrolled = await page.evaluate(() => window.scrollY);
  assert.ok(scrolled > 200, `the list scrolled (${scrolled})`);
  await page.getByTestId("household-N-9-1004").click();
  await (await surveyAtWork(page, 9, 2600)).submit();

  // Back: building 9 still open, the list where it was, the household done.
  await page.goBack();
  const row = page.getByTestId("household-N-9-1004");
  await row.waitFor();
  assert.equal(await page.locator("li.building").count(), 2, "still today's buildings only");
  const back = await page.evaluate(() => window.scrollY);
  assert.ok(Math.abs(back - scrolled) < 80, `back at ${back}, left at ${scrolled}`);
  await row.getByTestId("household-state").filter({ hasText: /已调查|待发送/ }).waitFor();
  await building(page, 9).getByTestId("progress").filter({ hasText: "1/40" }).waitFor();
  await screenshot(page, "area-building-open");

  // A search answers as it is typed, over every building.
  await page.getByTestId("search").fill("居民3栋70");
  await page.getByTestId("household-N-3-701").waitFor();
  assert.equal(await page.locator("[data-testid^='household-N-']").count(), ROOMS);
  await page.getByTestId("search").fill("");
  await building(page, 9).waitFor();

  // Nothing wider than the phone.
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `the page is ${wide} px wide`);
  assert.deepEqual(pageErrors, []);
});

test("opened again offline, the list first draws each building's progress as it was left, a waiting survey included", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("team7", PASSWORD);
  await building(page, 5).waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const before = (await building(page, 5).getByTestId("progress").innerText()).trim();

  // Offline, a survey of building 5 waits on the phone.
  await context.setOffline(true);
  await building(page, 5).getByRole("button", { name: /5号楼/ }).click();
  await page.getByTestId("household-N-5-203").click();
  await (await surveyAtWork(page, 6, 2100)).submitOnPhone();
  await page.goBack();
  const [done, all] = before.split("/").map(Number);
  const waiting = `${done + 1}/${all}`;
  await building(page, 5).getByTestId("progress").filter({ hasText: waiting }).waitFor();

  // Every progress the page draws while opening again, in order.
  await page.addInitScript(() => {
    window.__drawn = [];
    new MutationObserver(() => {
      const progress = document.querySelector("[data-testid='building-5号楼'] [data-testid='progress']");
      const text = progress?.textContent.trim();
      if (text && window.__drawn.at(-1) !== text) window.__drawn.push(text);
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  await page.reload();
  await building(page, 5).getByTestId("progress").filter({ hasText: waiting }).waitFor();
  await page.getByRole("button", { name: /5号楼/ }).click();
  await page.getByTestId("household-N-5-203").getByTestId("household-state").filter({ hasText: /待发送/ }).waitFor();
  assert.deepEqual(await page.evaluate(() => window.__drawn), [waiting], "never an older progress first");
  await context.close();
});
