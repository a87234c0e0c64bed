// A supervisor checks the round on a phone: coverage from the city down to
// a building, the households still missing, the indicators with their
// charts, and the ledger downloaded as a spreadsheet.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { LoginPage } from "./support/pages.mjs";
import { startServer } from "./support/server.mjs";

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("a supervisor drills down from the city to a building and its missing households", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("supervisor");
  const households = async (scope) => Number(await scope.getByTestId("coverage-households").first().innerText());
  const all = await households(page.getByTestId("coverage-total"));

  // City, county, township, area: one level at a time, each line the sum below it.
  const levels = ["140900000000", "140925000000", "140925100000", "XFJY", "G1"];
  for (const [n, code] of levels.slice(0, -1).entries()) {
    const line = page.getByTestId(`coverage-${code}`);
    assert.equal(await households(line), all, code);
    await line.click();
    await page.getByTestId(`coverage-${levels[n + 1]}`).waitFor();
  }
  const grids = page.locator("[data-testid^='coverage-G']");
  const perGrid = await grids.evaluateAll((rows) =>
    rows.map((r) => Number(r.querySelector("[data-testid=coverage-households]").innerText)),
  );
  assert.equal(perGrid.length, 2);
  assert.equal(perGrid.reduce((a, b) => a + b, 0), all);
  const wide = await page.evaluate(() => document.scrollingElement.scrollWidth);
  assert.ok(wide <= 360, `nothing is wider than the screen (${wide} px)`);
  // The search narrows the level as it is typed.
  await page.getByTestId("place-search").fill("第一");
  await page.getByTestId("coverage-G2").waitFor({ state: "detached" });
  await page.getByTestId("place-search").fill("");

  const g1 = page.getByTestId("coverage-G1");
  const total = await households(g1);
  await g1.click();
  const buildings = page.locator("[data-testid^='coverage-G1-']");
  await buildings.first().waitFor();
  const perBuilding = await buildings.evaluateAll((rows) =>
    rows.map((r) => Number(r.querySelector("[data-testid=coverage-households]").innerText)),
  );
  assert.equal(perBuilding.length, 3, "grid 1 has three buildings");
  assert.equal(perBuilding.reduce((a, b) => a + b, 0), total);
  assert.deepEqual(
    await page.locator(".crumbs a").evaluateAll((links) => links.map((a) => a.dataset.testid)),
    ["crumb-top", "crumb-140900000000", "crumb-140925000000", "crumb-140925100000", "crumb-XFJY"],
  );
  await screenshot(page, "coverage-drill");

  // A building's line opens that building's missing households.
  const first = buildings.first();
  const name = (await first.getAttribute("data-testid")).replace("coverage-G1-", "");
  await first.click();
  const inBuilding = page.getByTestId("not-surveyed").locator("[data-testid^='gap-']");
  await inBuilding.first().waitFor();
  assert.equal(await inBuilding.count(), perBuilding[0]);
  assert.ok((await page.getByTestId("not-surveyed").innerText()).includes(name));
  await page.goBack();

  await page.getByTestId("gaps-G1").click();
  const missing = page.getByTestId("not-surveyed").locator("[data-testid^='gap-']");
  await missing.first().waitFor();
  assert.equal(await missing.count(), total, "nothing surveyed yet: every household is missing");
  assert.match(await missing.first().innerText(), /本季度尚未走访/);
  assert.ok(!(await page.getByTestId("not-surveyed").innerText()).includes("4号楼"), "only grid 1");
  await page.goBack();

  // The way back up, and the grid's ledger as a real spreadsheet.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("export-xlsx-G1").click(),
  ]);
  assert.match(download.suggestedFilename(), /^anju-2026Q4-G1\.xlsx$/);
  await page.getByTestId("crumb-XFJY").click();
  await page.getByTestId("coverage-G2").waitFor();

  // The server finds a household anywhere in the scope by the last digits of an ID number.
  const wanted = await page.evaluate(async () => {
    const roster = await (await fetch("/api/v1/roster")).json();
    const h = roster.households.find((h) => h.members[0]?.record.resident_id);
    return { code: h.code, id: h.members[0].record.resident_id };
  });
  await page.getByTestId("household-search").fill(wanted.id.slice(-6));
  await page.getByTestId(`hit-${wanted.code}`).click();
  await page.waitForURL(new RegExp(`/households/${wanted.code}`));
  await context.close();
});

test("indicators go down a level at a time, with the households to follow up at each", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("supervisor");
  await page.getByTestId("nav-indicators").click();
  // The households to follow up, a page of them, at the top already.
  const top = await page.evaluate(async () => (await fetch("/api/v1/summary")).json());
  const listed = (testid) => page.getByTestId(testid).locator(":scope > li");
  const shows = (testid, n) =>
    page.waitForFunction(([testid, n]) => document.querySelectorAll(`[data-testid='${testid}'] > li`).length === n, [testid, n]);
  await shows("zero-list", Math.min(top.total.zero_employment, 100));
  await shows("low-income-list", Math.min(top.total.low_income, 100));
  for (const code of ["140900000000", "140925000000", "140925100000", "XFJY"]) {
    await page.getByTestId(`indicators-${code}`).click();
    await page.waitForURL(new RegExp(`place=${code}`));
  }
  const rateChart = page.getByTestId("chart-rate");
  await page.getByTestId("zero-list").waitFor();
  const [summary, report] = await page.evaluate(async () => [
    await (await fetch("/api/v1/summary?place=XFJY")).json(),
    await (await fetch("/api/v1/indicators?place=XFJY")).json(),
  ]);

  const bars = await rateChart.locator("g").evaluateAll((gs) => gs.map((g) => g.dataset.label));
  assert.deepEqual(bars, summary.children.map((l) => l.name));
  assert.equal(bars.length, 2, "the area's two grids");
  const widths = await page.getByTestId("chart-zero").locator("rect").evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("width"))));
  const counts = summary.children.map((l) => l.tally.zero_employment);
  const longest = counts.indexOf(Math.max(...counts));
  assert.equal(widths.indexOf(Math.max(...widths)), longest, "the longest bar is the grid with most zero-employment households");

  const rate = (report.employment_rate * 100).toFixed(2) + "%";
  assert.match(await page.getByTestId("figure-employment-rate").innerText(), new RegExp(rate.replace(".", "\\.")));
  // Each figure says what it counts; the share of labour households at work agrees with the report.
  const share = (report.employed_household_share * 100).toFixed(2) + "%";
  const shareFigure = page.getByTestId("figure-employed-household-share");
  assert.equal(await shareFigure.locator(".figure-value").innerText(), share);
  assert.match(await shareFigure.locator(".figure-definition").innerText(), /至少一名劳动力就业的家庭 ÷ 有劳动力家庭/);
  assert.match(await page.getByTestId("figure-labourers").locator(".figure-definition").innerText(), /不在校、未退休/);
  await shows("zero-list", report.indicators.zero_employment.length);
  await shows("low-income-list", report.indicators.low_income.length);
  assert.equal(await listed("zero-list").count(), report.indicators.zero_employment.length);
  assert.equal(Number(await page.getByTestId("figure-zero-employment").locator(".figure-value").innerText()), report.indicators.zero_employment.length);
  // Where people work, as the report counts it.
  const places = Object.entries(report.indicators.by_work_place);
  assert.ok(places.length > 0, "the area has people at work");
  const placeBars = await page.getByTestId("chart-work-place").locator("g").evaluateAll((gs) => gs.map((g) => g.dataset.label));
  const named = { in_county: "县内", in_province: "省内县外", outside_province: "省外" };
  assert.deepEqual(placeBars, places.map(([code]) => named[code]));
  const posts = report.indicators.by_channel.public_welfare ?? 0;
  assert.equal(Number(await page.getByTestId("figure-public-welfare").locator(".figure-value").innerText()), posts);
  await screenshot(page, "indicators");
  await context.close();
});
