// A generated city (`anju generate city`, seed 1: 37,400 households) on a
// phone: Debian's Chromium at 360×740 with 4× CPU slowdown, each figure
// measured inside the page (from navigation or from the user's action
// until what answers it is drawn), the median of RUNS runs:
//  - a resident work team at the city's largest area (3,000 households):
//    its list on opening the app, back to it from a household, a search
//    as typed, and its list on opening the app offline;
//  - a supervisor of the city: coverage, indicators, and a household
//    found by name, each from navigation.
// Needs the app built and the server built for release:
//   scripts/build-app && cargo build --release -p server && node scripts/phone-city.mjs
import { readdirSync, readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { launchBrowser, newPhone } from "../tests/support/browser.mjs";
import { LoginPage } from "../tests/support/pages.mjs";

const root = resolve(import.meta.dirname, "..");
process.env.ANJU_BIN ??= join(root, "target/release/anju");
const { anju, startServer } = await import("../tests/support/server.mjs");

const RUNS = Number(process.env.RUNS ?? 5);
const CPU_SLOWDOWN = 4;
const PASSWORD = "stairwell-figures-71";

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function slowed(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
}

// Notes, inside the page, when the first element matching `selector` is
// in the document, as `window.__seenAt` (performance.now()).
function watchFor(selector) {
  window.__seenAt = undefined;
  const seen = () => {
    if (!window.__seenAt && document.querySelector(selector)) window.__seenAt = performance.now();
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
}

/** Milliseconds from navigation start until `selector` is drawn. */
async function fromNavigation(page, url, selector) {
  await page.addInitScript(watchFor, selector);
  await page.goto(url, { waitUntil: "commit" });
  await page.locator(selector).first().waitFor({ timeout: 120_000 });
  return page.evaluate(() => window.__seenAt);
}

/** Milliseconds from `act` (run in the page) until `selector` is drawn. */
async function fromAction(page, act, arg, selector) {
  return page.evaluate(
    async ([act, arg, selector]) => {
      const started = performance.now();
      new Function("arg", act)(arg);
      while (!document.querySelector(selector)) {
        await new Promise((done) => requestAnimationFrame(done));
      }
      return performance.now() - started;
    },
    [act, arg, selector],
  );
}

// The city's roster, imported by the administrator one file at a time.
const files = mkdtempSync(join(tmpdir(), "anju-city-"));
anju(["generate", "city", "--out", files, "--seed", "1"]);
const server = await startServer();
const login = await fetch(`${server.url}/api/v1/session`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ username: "admin", password: "demo" }),
});
const cookie = login.headers.get("set-cookie").split(";")[0];
const counts = new Map();
for (const name of readdirSync(files).sort()) {
  const csv = readFileSync(join(files, name), "utf8");
  const res = await fetch(`${server.url}/api/v1/roster/import`, {
    method: "POST",
    headers: { "content-type": "text/csv", cookie },
    body: csv,
  });
  if (res.status !== 200) throw new Error(`${name}: ${res.status} ${await res.text()}`);
  // Households per area (the 安置区 column), for the largest.
  const [header, ...rows] = csv.replace(/^\ufeff/, "").split("\r\n");
  const columns = header.split(",");
  const [code, area] = ["户编号", "安置区"].map((h) => columns.indexOf(h));
  const seen = new Set();
  for (const row of rows) {
    const cells = row.split(",");
    if (!cells[code] || seen.has(cells[code])) continue;
    seen.add(cells[code]);
    counts.set(cells[area], (counts.get(cells[area]) ?? 0) + 1);
  }
}
rmSync(files, { recursive: true, force: true });
const [largest, households] = [...counts].sort((a, b) => b[1] - a[1])[0];
const city = largest.match(/^第\d+市/)[0];
anju(["user", "add", "li.qiang", "--role", "surveyor", "--place", largest, "--database", server.database], `${PASSWORD}\n`);
anju(["user", "add", "zhou", "--role", "supervisor", "--place", city, "--database", server.database], `${PASSWORD}\n`);
console.log(`${largest}: ${households} households; supervisor of ${city}`);

const browser = await launchBrowser();
const results = {};
const note = (name, ms) => (results[name] ??= []).push(ms);
try {
  for (let run = 0; run < RUNS; run++) {
    // The team: logged in once, the roster kept on the phone.
    let context = await newPhone(browser);
    let page = await context.newPage();
    await page.goto(server.url);
    await new LoginPage(page).logIn("li.qiang", PASSWORD);
    await page.locator("li.building").first().waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.locator(".sync-bar, [data-testid='sync-state']").first().waitFor().catch(() => {});
    await page.close();
    page = await context.newPage();
    await slowed(context, page);
    note("team: the list on opening the app", await fromNavigation(page, server.url, "li.building"));
    // A building opened, a household, and back.
    await page.locator("li.building button.building-open").first().click();
    const row = page.locator("[data-testid^='household-']").first();
    const code = (await row.getAttribute("data-testid")).replace(/^household-/, "");
    await row.click();
    await page.getByTestId("household-title").waitFor();
    note("team: back from a household", await fromAction(page, "history.back()", null, `[data-testid='household-${code}']`));
    // A search as typed: a household's head's name.
    const name = (await page.locator(`[data-testid='household-${code}'] .head`).innerText()).trim();
    await page.locator("li.building button.building-open").first().click();
    note(
      "team: a search as typed",
      await fromAction(
        page,
        "const input = document.querySelector(\"[data-testid='search']\"); input.value = arg; input.dispatchEvent(new Event('input', { bubbles: true }));",
        name,
        `.area-list .household-list [data-testid='household-${code}']`,
      ),
    );
    await page.close();
    // Offline, the app opened again from the service worker and the phone's roster.
    await context.setOffline(true);
    page = await context.newPage();
    await slowed(context, page);
    note("team: the list on opening the app offline", await fromNavigation(page, server.url, "li.building"));
    await context.close();

    // The city's supervisor.
    context = await newPhone(browser);
    page = await context.newPage();
    await page.goto(server.url);
    await new LoginPage(page).logIn("zhou", PASSWORD);
    await page.getByTestId("coverage-total").waitFor({ timeout: 120_000 });
    await page.close();
    page = await context.newPage();
    await slowed(context, page);
    note("supervisor: coverage", await fromNavigation(page, `${server.url}/coverage`, "[data-testid^='coverage-county']"));
    await page.close();
    page = await context.newPage();
    await slowed(context, page);
    note("supervisor: indicators", await fromNavigation(page, `${server.url}/indicators`, "[data-testid^='indicators-county']"));
    await page.close();
    page = await context.newPage();
    await slowed(context, page);
    await page.goto(`${server.url}/coverage`);
    await page.getByTestId("household-search").waitFor();
    note(
      "supervisor: a household found by name",
      await fromAction(
        page,
        "const input = document.querySelector(\"[data-testid='household-search']\"); input.value = arg; input.dispatchEvent(new Event('input', { bubbles: true }));",
        name,
        "[data-testid^='hit-']",
      ),
    );
    await context.close();
  }
  for (const [name, values] of Object.entries(results)) {
    console.log(`${name}: median ${Math.round(median(values))} ms (${values.map(Math.round).join(", ")})`);
  }
} finally {
  await browser.close();
  await server.stop();
}
