// Debian's Chromium, driven by playwright-core, as a mid-range phone.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { after } from "node:test";
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

// What the Content-Security-Policy refused in any page of this file's
// tests: the app must work under it, so any refusal fails the file.
const refused = [];
function watchPolicy(context) {
  const watch = (page) =>
    page.on("console", (message) => {
      if (message.type() === "error" && message.text().includes("Content Security Policy")) {
        refused.push(`${page.url()}: ${message.text()}`);
      }
    });
  context.pages().forEach(watch);
  context.on("page", watch);
  return context;
}
after(() => assert.deepEqual(refused, [], "the Content-Security-Policy refused something"));

/** `extra` flags go to Chromium (a host resolver rule, say). */
export async function launchBrowser(extra = []) {
  const browser = await chromium.launch({ executablePath, args: [...args, ...extra] });
  // Every context the tests open is watched, their own ones too.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => watchPolicy(await newContext(options));
  return browser;
}

/** A fresh phone. */
export async function newPhone(browser) {
  return browser.newContext(phoneOptions);
}

/** A phone whose browser keeps its data in `dir` across restarts, like a real one. */
export async function launchPersistentPhone(dir) {
  return watchPolicy(
    await chromium.launchPersistentContext(dir, { executablePath, args, ...phoneOptions }),
  );
}

export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}
