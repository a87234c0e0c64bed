// The phone's own faults: the app open in two tabs at once. Nothing is
// lost, and nothing sent twice.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone } from "./support/browser.mjs";
import { HouseholdPage, LoginPage, RosterPage } from "./support/pages.mjs";
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

test("two tabs capture offline: each survey is sent once, by one of them, and none is lost", async () => {
  const context = await newPhone(browser);
  const first = await context.newPage();
  await first.goto(server.url);
  await new LoginPage(first).logIn("surveyor");
  await new RosterPage(first).buildings().first().waitFor();
  const second = await context.newPage();
  await second.goto(server.url);
  await new RosterPage(second).buildings().first().waitFor();
  // What reached the server: an id sent again would be answered 200.
  const posted = [];
  for (const page of [first, second]) {
    page.on("response", (res) => {
      const req = res.request();
      if (req.method() === "POST" && req.url().endsWith("/api/v1/submissions")) {
        posted.push(`${JSON.parse(req.postData()).id} ${res.status()}`);
      }
    });
  }

  await context.setOffline(true);
  const codes = ["XF-1-0201", "XF-1-0202", "XF-1-0301"];
  for (const [page, code] of [[first, codes[0]], [second, codes[1]], [first, codes[2]]]) {
    await page.goto(`${server.url}/households`);
    const roster = new RosterPage(page);
    await roster.open(code);
    await new HouseholdPage(page).allUnchanged();
    await page.getByTestId("submit").click();
    await page.getByTestId("submit-saved").waitFor();
  }
  await context.setOffline(false);

  for (let i = 0; i < 300 && posted.length < 3; i++) await first.waitForTimeout(100);
  // Both tabs go on syncing a while: neither sends any of them again.
  await first.waitForTimeout(5_000);
  assert.equal(posted.length, 3, `each sent once: ${JSON.stringify(posted)}`);
  assert.ok(posted.every((p) => p.endsWith(" 201")), JSON.stringify(posted));
  for (const code of codes) assert.equal((await server.submissionsOf(code)).length, 1, code);
  await context.close();
});

test("a phone whose clock is hours ahead: its survey goes to the server's round, its time kept and flagged for the supervisor", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.clock.install({ time: Date.now() + 5 * 3600 * 1000 });
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  await roster.open("XF-1-0401");
  await new HouseholdPage(page).allUnchanged();
  await page.getByTestId("submit").click();
  await page.getByTestId("submit-accepted").waitFor({ timeout: 30_000 });
  await context.close();

  const desk = await (await newPhone(browser)).newPage();
  await desk.goto(server.url);
  await new LoginPage(desk).logIn("supervisor");
  await desk.getByTestId("nav-review").click();
  const row = desk.getByTestId("review-XF-1-0401");
  await row.waitFor();
  assert.match(await row.getByTestId("review-clock").innerText(), /手机时间偏快/);
  assert.equal((await server.submissionsOf("XF-1-0401")).length, 1);
});
