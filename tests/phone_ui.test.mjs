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

/** Text whose contrast with its background is under WCAG AA (4.5:1, or 3:1 for large text). */
async function lowContrast(page) {
  return page.evaluate(() => {
    const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const problems = [];
    for (const el of document.querySelectorAll("body *")) {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!own || box.width === 0 || style.visibility === "hidden") continue;
      if (el.closest("button:disabled")) continue;
      const fg = rgb(style.color).slice(0, 3);
      const [a, b] = [lum(fg), lum(background(el))].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) problems.push(`"${el.textContent.trim().slice(0, 20)}" ${ratio.toFixed(2)}:1`);
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
  assert.deepEqual(await lowContrast(page), [], "household list contrast");

  await roster.open("XF-1-0105");
  assert.deepEqual(await layoutProblems(page), [], "survey form");
  assert.deepEqual(await lowContrast(page), [], "survey form contrast");
  await page.getByTestId("add-member").click();
  assert.deepEqual(await layoutProblems(page), [], "survey form with a new member");
  await page.getByTestId("all-unchanged").click();
  await page.getByTestId("summary").waitFor();
  assert.deepEqual(await layoutProblems(page), [], "summary");
  assert.deepEqual(await lowContrast(page), [], "summary contrast");

  await page.getByTestId("sync-bar").click();
  await page.getByTestId("sync-now").waitFor();
  await screenshot(page, "outbox");
  assert.deepEqual(await layoutProblems(page), [], "outbox");
  await context.close();

  const supervisor = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const page2 = await supervisor.newPage();
  await page2.goto(server.url);
  await new LoginPage(page2).logIn("supervisor");
  await page2.getByTestId("coverage-140900000000").waitFor();
  assert.deepEqual(await layoutProblems(page2), [], "coverage");
  assert.deepEqual(await lowContrast(page2), [], "coverage contrast");

  // One survey to review, sent as an unchanged survey straight to the API.
  const status = await page2.evaluate(async () => {
    const roster = await (await fetch("/api/v1/roster")).json();
    const h = roster.households[0];
    const r = await fetch("/api/v1/submissions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        id: crypto.randomUUID(),
        household: h.code,
        round: roster.round,
        captured_at: new Date().toISOString(),
        base: h.base,
        members: h.members.map((m) => ({ person: m.person, writes: [] })),
      }),
    });
    return r.status;
  });
  assert.equal(status, 201);
  await page2.getByTestId("nav-review").click();
  await page2.getByTestId("approve").waitFor();
  assert.deepEqual(await layoutProblems(page2), [], "review");
  assert.deepEqual(await lowContrast(page2), [], "review contrast");
  await page2.getByTestId("return").click();
  await page2.getByTestId("return-reason").waitFor();
  assert.deepEqual(await layoutProblems(page2), [], "returning with a reason");
  await page2.getByTestId("to-conflicts").waitFor();
  await page2.goto(`${server.url}/conflicts`);
  await page2.getByTestId("conflicts-empty").waitFor();
  assert.deepEqual(await layoutProblems(page2), [], "conflicts");
  await page2.goto(`${server.url}/import`);
  await page2.getByTestId("template-xlsx").waitFor();
  assert.deepEqual(await layoutProblems(page2), [], "import");
  assert.deepEqual(await lowContrast(page2), [], "import contrast");
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

test("the list finds a household by name, room or the last digits of an ID", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("surveyor");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();
  const data = await page.evaluate(async () => (await fetch("/api/v1/roster")).json());
  const target = data.households[17];
  const rows = page.locator("[data-testid^='household-XF']");
  const shown = () => rows.evaluateAll((els) => els.map((e) => e.dataset.testid.replace("household-", "")));

  const name = target.members[0].record.name;
  await page.getByTestId("search").fill(name);
  assert.ok((await shown()).includes(target.code), "by name");
  const digits = target.members[0].masked.resident_id.slice(-4);
  await page.getByTestId("search").fill(digits);
  assert.ok((await shown()).includes(target.code), "by the last digits of an ID");
  await page.getByTestId("search").fill("不存在的名字");
  await page.getByText("没有找到符合的住户").waitFor();
  assert.equal(await rows.count(), 0);
  await context.close();
});
