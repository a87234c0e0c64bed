// What a phone in one hand needs from every main screen: nothing scrolls
// sideways at 360 px, every control is at least 44 px, and the language
// switch turns the whole interface to English and stays.
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

/** Problems with the screen as shown: sideways scroll and small targets. */
async function layoutProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) {
      problems.push(`scrolls sideways: ${document.documentElement.scrollWidth} > ${width}`);
    }
    for (const el of document.querySelectorAll("button, a[href], input, select, textarea")) {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || style.visibility === "hidden" || style.display === "none") continue;
      if (el.type === "file") continue;
      if (box.height < 44 || box.width < 44) {
        problems.push(`${el.tagName} "${el.innerText || el.getAttribute("aria-label") || el.dataset.testid}" is ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
      if (box.right > width + 1) problems.push(`${el.tagName} "${el.innerText}" runs off the screen`);
    }
    return problems;
  });
}

test("every main screen fits 360 px with thumb-sized controls", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  assert.deepEqual(await layoutProblems(page), [], "login");
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  assert.deepEqual(await layoutProblems(page), [], "household list");

  await roster.open("XF-1-0105");
  assert.deepEqual(await layoutProblems(page), [], "survey form");
  await page.getByTestId("add-member").click();
  assert.deepEqual(await layoutProblems(page), [], "survey form with a new member");
  await page.getByTestId("all-unchanged").click();
  await page.getByTestId("summary").waitFor();
  assert.deepEqual(await layoutProblems(page), [], "summary");

  await page.getByTestId("sync-bar").click();
  await page.getByTestId("sync-now").waitFor();
  await screenshot(page, "outbox");
  assert.deepEqual(await layoutProblems(page), [], "outbox");
  await context.close();

  const supervisor = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page2 = await supervisor.newPage();
  await page2.goto(server.url);
  await new LoginPage(page2).logIn("supervisor");
  await page2.getByTestId("coverage-G1").waitFor();
  assert.deepEqual(await layoutProblems(page2), [], "coverage");
  await supervisor.close();
});

test("the language switch turns the interface to English and stays", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  await page.getByTestId("language").click();
  await page.getByTestId("nav-households").filter({ hasText: "Households" }).waitFor();
  const state = roster.household("XF-1-0107").getByTestId("household-state");
  assert.equal(await state.innerText(), "Not yet");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  await screenshot(page, "english");

  await page.reload();
  await roster.buildings().first().waitFor();
  assert.match(await page.getByTestId("sync-bar").innerText(), /Online|Offline/);
  await roster.open("XF-1-0107");
  assert.match(await page.getByTestId("all-unchanged").innerText(), /unchanged/);
  assert.deepEqual(await layoutProblems(page), [], "the form in English");
  await page.getByTestId("language").click();
  await page.getByTestId("all-unchanged").filter({ hasText: "全户无变化" }).waitFor();
  await context.close();
});
