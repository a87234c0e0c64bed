// Debian's Chromium, driven by playwright-core, as a mid-range phone.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

export const artifacts = resolve(import.meta.dirname, "../artifacts");

const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const args = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** 360×740, touch, Chinese. */
export const phoneOptions = {
  viewport: { width: 360, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: "zh-CN",
};

/** `extra` flags go to Chromium (a host resolver rule, say). */
export async function launchBrowser(extra = []) {
  return chromium.launch({ executablePath, args: [...args, ...extra] });
}

/** A fresh phone. */
export async function newPhone(browser) {
  return browser.newContext(phoneOptions);
}

/** A phone whose browser keeps its data in `dir` across restarts, like a real one. */
export async function launchPersistentPhone(dir) {
  return chromium.launchPersistentContext(dir, { executablePath, args, ...phoneOptions });
}

export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}
