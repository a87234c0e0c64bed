// deploy/nginx.conf as README's Deploy uses it: nginx holds the certificate
// and proxies to Anju on the loopback address. Its ports, names and
// certificate paths are this machine's; everything else is the sample's.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";

import { launchBrowser, newPhone } from "./support/browser.mjs";
import { LoginPage, RosterPage } from "./support/pages.mjs";
import { startServer } from "./support/server.mjs";
import { HOST, makeCertificate } from "./support/tls.mjs";

const NGINX = process.env.NGINX ?? "/usr/sbin/nginx";
let dir;
let anju;
let nginx;
let browser;
let ports;

/** A port nothing listens on now. */
function freePort() {
  return new Promise((done) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

/** The sample site with this machine's ports, name and certificate. */
function site(cert, key) {
  const sample = readFileSync(resolve(import.meta.dirname, "../deploy/nginx.conf"), "utf8");
  return sample
    .replaceAll("anju.example.gov.cn;", `${HOST};`)
    .replace(/^\s*listen \[::\].*$/gm, "")
    .replace("listen 80;", `listen 127.0.0.1:${ports.http};`)
    .replace("listen 443 ssl", `listen 127.0.0.1:${ports.https} ssl`)
    .replace(/ssl_certificate .*;/, `ssl_certificate ${cert};`)
    .replace(/ssl_certificate_key .*;/, `ssl_certificate_key ${key};`)
    .replace("http://127.0.0.1:8080", `http://127.0.0.1:${anju.port}`);
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "anju-nginx-"));
  const { cert, key, browserFlags } = makeCertificate(dir);
  anju = await startServer();
  ports = { http: await freePort(), https: await freePort() };
  writeFileSync(join(dir, "anju.conf"), site(cert, key));
  writeFileSync(
    join(dir, "nginx.conf"),
    `user root; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events {}
http { access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy;
  include ${dir}/anju.conf; }
`,
  );
  // The sample must pass nginx's own check.
  execFileSync(NGINX, ["-t", "-q", "-p", dir, "-c", join(dir, "nginx.conf")], { stdio: "pipe" });
  nginx = spawn(NGINX, ["-p", dir, "-c", join(dir, "nginx.conf")], { stdio: "ignore" });
  browser = await launchBrowser(browserFlags);
});

after(async () => {
  await browser?.close();
  nginx?.kill("SIGTERM");
  await anju?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("behind nginx's sample site the app works over HTTPS and the metrics stay private", async () => {
  const origin = `https://${HOST}:${ports.https}`;
  const context = await newPhone(browser);
  const page = await context.newPage();
  // nginx may still be starting.
  for (let tries = 0; ; tries++) {
    try {
      await page.goto(origin);
      break;
    } catch (err) {
      if (tries > 50) throw err;
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  await new LoginPage(page).logIn("surveyor");
  await new RosterPage(page).buildings().first().waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const seen = await page.evaluate(async () => {
    const metrics = await fetch("/metrics");
    const health = await fetch("/healthz");
    return { metrics: metrics.status, hsts: health.headers.get("strict-transport-security") };
  });
  assert.deepEqual(seen, { metrics: 403, hsts: "max-age=31536000" });
  // Plain HTTP by name, as a browser would ask: sent to HTTPS.
  const plain = await new Promise((done, fail) => {
    get({ host: "127.0.0.1", port: ports.http, path: "/households", headers: { host: HOST } }, (res) => {
      res.resume();
      done(res);
    }).on("error", fail);
  });
  assert.equal(plain.statusCode, 301);
  assert.equal(plain.headers.location, `https://${HOST}/households`);
  await context.close();
});
