// Time to interactive of the app in Debian's Chromium at 360×740:
//  - first visit over an emulated slow 3G network with 4× CPU slowdown,
//    until the login form takes input;
//  - a logged-in return visit offline, from the service worker's cache,
//    until the household list shows its households (also with 4× CPU).
// Prints the median of RUNS runs of each. Needs the app and server built:
//   scripts/build-app && cargo build -p server && node scripts/tti.mjs
import { launchBrowser, newPhone } from "../tests/support/browser.mjs";
import { LoginPage } from "../tests/support/pages.mjs";
import { startServer } from "../tests/support/server.mjs";

const RUNS = Number(process.env.RUNS ?? 5);

// Lighthouse's slow 3G (renamed "slow 4G" in later releases): 562.5 ms
// round trip, 1.4 Mbit/s down, 675 kbit/s up.
const SLOW_3G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: (1474.56 * 1024) / 8,
  uploadThroughput: (675 * 1024) / 8,
};
const CPU_SLOWDOWN = 4;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function throttled(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  return cdp;
}

// Notes, inside the page, when the first element matching a selector is
// in the document: the app renders it with its handlers attached, so
// that is when it takes input. Free of the test driver's polling delay.
function watchFor(selector) {
  const seen = () => {
    if (!window.__interactiveAt && document.querySelector(selector)) {
      window.__interactiveAt = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
}

/** Milliseconds from navigation start until `selector` is rendered. */
async function timeTo(page, url, selector) {
  await page.goto(url, { waitUntil: "commit" });
  await page.locator(selector).first().waitFor({ timeout: 60_000 });
  return page.evaluate(() => window.__interactiveAt);
}

async function firstVisit(browser, url) {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.addInitScript(watchFor, "[data-testid='login-username']");
  await throttled(context, page);
  const ms = await timeTo(page, url, "[data-testid='login-username']");
  await context.close();
  return ms;
}

async function offlineReturn(browser, url) {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(url);
  await new LoginPage(page).logIn("surveyor");
  await page.locator("[data-testid^='household-XF']").first().waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await context.setOffline(true);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  await page.addInitScript(watchFor, "[data-testid^='household-XF']");
  const ms = await timeTo(page, url, "[data-testid^='household-XF']");
  await context.close();
  return ms;
}

const server = await startServer();
const browser = await launchBrowser();
try {
  const first = [];
  const offline = [];
  for (let i = 0; i < RUNS; i++) {
    first.push(await firstVisit(browser, server.url));
    offline.push(await offlineReturn(browser, server.url));
  }
  const show = (v) => v.map((x) => Math.round(x)).join(", ");
  console.log(`first visit, slow 3G, ${CPU_SLOWDOWN}x CPU: median ${Math.round(median(first))} ms (${show(first)})`);
  console.log(`offline from the service worker, ${CPU_SLOWDOWN}x CPU: median ${Math.round(median(offline))} ms (${show(offline)})`);
} finally {
  await browser.close();
  await server.stop();
}
