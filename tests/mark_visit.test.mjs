// A grid member marks visits from the household list: "met" in one tap,
// another outcome in two; the position, or its refusal, never blocks it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { LoginPage, RosterPage } from "./support/pages.mjs";
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

async function gapsOf(page) {
  return page.evaluate(async () => (await fetch("/api/v1/gaps")).json());
}

test("a grid member marks a visit in one tap, with the phone's position", async () => {
  const context = await newPhone(browser);
  await context.grantPermissions(["geolocation"], { origin: server.url });
  await context.setGeolocation({ latitude: 39.01, longitude: 112.35, accuracy: 20 });
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("grid");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();

  const marker = page.getByTestId("visit-XF-1-0103");
  let taps = 0;
  await marker.getByRole("button", { name: /入户见面/ }).click();
  taps += 1;
  await marker.getByRole("status").filter({ hasText: "已记录走访" }).filter({ hasText: "已发送" }).waitFor();
  const state = roster.household("XF-1-0103").getByTestId("household-state");
  assert.equal((await state.textContent()).trim(), "已走访", "the list shows the visit as soon as it is marked");
  await screenshot(page, "visit");

  assert.equal(taps, 1);
  const gaps = await gapsOf(page);
  const visited = gaps.not_surveyed.find((h) => h.code === "XF-1-0103");
  assert.equal(visited.last_visit.outcome, "met");
  assert.equal(visited.last_visit.author, "grid");
  const position = visited.last_visit.position;
  assert.equal(position.kind, "fix");
  assert.ok(Math.abs(position.latitude - 39.01) < 1e-6 && Math.abs(position.longitude - 112.35) < 1e-6);
  assert.equal(position.accuracy_m, 20);
  assert.ok(!gaps.not_visited.some((h) => h.code === "XF-1-0103"));
  await context.close();
});

test("a refused location still records the visit, with its outcome", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("grid");
  await new RosterPage(page).buildings().first().waitFor();

  const marker = page.getByTestId("visit-XF-1-0104");
  await marker.getByRole("button", { name: /其他/ }).click();
  await marker.getByRole("button", { name: "不在家" }).click();
  await marker.getByRole("status").filter({ hasText: "已记录走访" }).filter({ hasText: "已发送" }).waitFor();

  const gaps = await gapsOf(page);
  const visited = gaps.not_surveyed.find((h) => h.code === "XF-1-0104");
  assert.equal(visited.last_visit.outcome, "not_home");
  assert.equal(visited.last_visit.position.kind, "denied");
  await context.close();
});
