// A township supervisor checks the round on a phone: coverage by grid and
// building, the households still missing, the indicators with their
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

test("coverage drills down to buildings and the missing households", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("supervisor");
  const g1 = page.getByTestId("coverage-G1");
  await g1.waitFor();
  const total = Number(await g1.getByTestId("coverage-households").innerText());
  // The demo's one area heads its grids with their sum.
  const area = page.locator("[data-testid^='coverage-area-']");
  assert.equal(await area.count(), 1);
  const all = Number(await page.getByTestId("coverage-total").getByTestId("coverage-households").innerText());
  assert.equal(Number(await area.getByTestId("coverage-households").innerText()), all);
  // Its line opens the area's missing households: every household, as none is surveyed.
  await area.click();
  const inArea = page.getByTestId("not-surveyed").locator("[data-testid^='gap-']");
  await inArea.first().waitFor();
  assert.equal(await inArea.count(), all);
  assert.match(await page.locator("h1").innerText(), /幸福家园安置区/);
  await page.goBack();
  await g1.waitFor();

  await g1.click();
  const buildings = page.locator("[data-testid^='coverage-G1-']");
  await buildings.first().waitFor();
  const perBuilding = await buildings.evaluateAll((rows) =>
    rows.map((r) => Number(r.querySelector("[data-testid=coverage-households]").innerText)),
  );
  assert.equal(perBuilding.length, 3, "grid 1 has three buildings");
  assert.equal(perBuilding.reduce((a, b) => a + b, 0), total);
  const [cell, table] = await page.evaluate(() => {
    const td = document.querySelector(".grid-actions td");
    return [td.getBoundingClientRect().width, td.closest("table").getBoundingClientRect().width];
  });
  assert.ok(cell > table * 0.9, `the grid's lists and exports span the table (${cell} of ${table} px)`);
  await screenshot(page, "coverage-drill");

  // A building's line opens that building's missing households.
  const first = page.locator("[data-testid^='coverage-G1-']").first();
  const name = (await first.getAttribute("data-testid")).replace("coverage-G1-", "");
  await first.click();
  const inBuilding = page.getByTestId("not-surveyed").locator("[data-testid^='gap-']");
  await inBuilding.first().waitFor();
  assert.equal(await inBuilding.count(), perBuilding[0]);
  assert.ok((await page.getByTestId("not-surveyed").innerText()).includes(name));
  await page.goBack();
  await page.getByTestId("coverage-G1").click();

  await page.getByTestId("gaps-G1").click();
  const missing = page.getByTestId("not-surveyed").locator("[data-testid^='gap-']");
  await missing.first().waitFor();
  assert.equal(await missing.count(), total, "nothing surveyed yet: every household is missing");
  assert.match(await missing.first().innerText(), /本季度尚未走访/);
  assert.ok(!(await page.getByTestId("not-surveyed").innerText()).includes("4号楼"), "only grid 1");

  // The ledger downloads as a real spreadsheet.
  await page.goto(`${server.url}/coverage`);
  await page.getByTestId("coverage-G1").click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("export-xlsx-G1").click(),
  ]);
  assert.match(download.suggestedFilename(), /^anju-2026Q4-G1\.xlsx$/);
  await context.close();
});

test("indicators show each grid in charts and the households to follow up", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("supervisor");
  await page.getByTestId("nav-indicators").click();
  const rateChart = page.getByTestId("chart-rate");
  await rateChart.waitFor();
  const report = await page.evaluate(async () => (await fetch("/api/v1/indicators")).json());

  const bars = await rateChart.locator("g").evaluateAll((gs) => gs.map((g) => g.dataset.label));
  assert.deepEqual(bars, report.by_grid.map((g) => g.grid));
  const widths = await page.getByTestId("chart-zero").locator("rect").evaluateAll((rs) => rs.map((r) => Number(r.getAttribute("width"))));
  const counts = report.by_grid.map((g) => g.zero_employment);
  const longest = counts.indexOf(Math.max(...counts));
  assert.equal(widths.indexOf(Math.max(...widths)), longest, "the longest bar is the grid with most zero-employment households");

  const rate = (report.employment_rate * 100).toFixed(1) + "%";
  assert.match(await page.getByTestId("figure-employment-rate").innerText(), new RegExp(rate.replace(".", "\\.")));
  assert.equal(await page.getByTestId("zero-list").locator("li").count(), report.indicators.zero_employment.length);
  assert.equal(await page.getByTestId("low-income-list").locator("li").count(), report.indicators.low_income.length);
  await screenshot(page, "indicators");
  await context.close();
});
