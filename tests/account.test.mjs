// A team member changes their own password from the phone: the new one is
// checked as it is typed, and after the change it is the one that logs in.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone, screenshot } from "./support/browser.mjs";
import { LoginPage, logOut } from "./support/pages.mjs";
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

test("a user changes their own password, checked as they type", async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("grid");

  await page.getByTestId("nav-account").click();
  await page.getByTestId("password-current").fill("demo");
  await page.getByTestId("password-new").fill("qwertyuiop");
  const problem = page.getByTestId("password-problem");
  await problem.waitFor();
  assert.match(await problem.innerText(), /太常见/);
  assert.equal(await page.getByTestId("password-submit").isDisabled(), true);
  await page.getByTestId("password-new").fill("stairwell-7-north");
  await page.getByTestId("password-again").fill("stairwell-7-south");
  assert.match(await problem.innerText(), /不一样/);
  await page.getByTestId("password-again").fill("stairwell-7-north");
  await page.getByTestId("password-submit").click();
  await page.getByTestId("password-changed").waitFor();
  await screenshot(page, "account");

  await logOut(page);
  await new LoginPage(page).logIn("grid", "stairwell-7-north");
  await page.getByTestId("user-name").waitFor();
  await context.close();
});
