// The map: grid outlines and buildings coloured by coverage, the round's
// visits on top, a visit far outside its grid flagged for review, and all
// of it drawn again with no network from what the phone keeps.
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

/** The middle of a ring `[lon, lat, lon, lat, …]`. */
function middle(ring) {
  let lon = 0;
  let lat = 0;
  for (let i = 0; i < ring.length; i += 2) {
    lon += ring[i];
    lat += ring[i + 1];
  }
  const n = ring.length / 2;
  return { longitude: lon / n, latitude: lat / n };
}

/** Sends an unchanged survey of `household` as the page's user; its status. */
async function surveyUnchanged(page, household, round) {
  return page.evaluate(
    async ([h, round]) =>
      (
        await fetch("/api/v1/submissions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            id: crypto.randomUUID(),
            household: h.code,
            round,
            captured_at: new Date().toISOString(),
            base: h.base,
            members: h.members.map((m) => ({ person: m.person, writes: [] })),
          }),
        })
      ).status,
    [household, round],
  );
}

async function markVisit(page, context, code, where) {
  await context.setGeolocation({ ...where, accuracy: 15 });
  const marker = page.getByTestId(`visit-${code}`);
  await marker.getByRole("button", { name: /入户见面/ }).click();
  await marker.getByRole("status").filter({ hasText: "已发送" }).waitFor();
}

test("buildings are coloured by coverage, visits drawn, a visit outside its grid flagged, offline too", async () => {
  const context = await newPhone(browser);
  await context.grantPermissions(["geolocation"], { origin: server.url });
  const page = await context.newPage();
  await page.goto(server.url);
  await new LoginPage(page).logIn("grid");
  const roster = new RosterPage(page);
  await roster.buildings().first().waitFor();

  const data = await page.evaluate(async () => (await fetch("/api/v1/roster")).json());
  const g1 = data.grids.find((g) => g.code === "G1");
  assert.ok(g1.outline, "the demo grid has an outline");
  const building = g1.buildings[0];
  const inBuilding = data.households.filter((h) => h.grid === "G1" && h.building === building.name);
  assert.ok(inBuilding.length > 1);

  // One household of the building surveyed: partly done.
  const first = inBuilding[0];
  const status = await surveyUnchanged(page, first, data.round);
  // Grid members mark visits; they do not survey.
  assert.equal(status, 403);

  // Two visits: one marked at the building, and one sent from 30 km away
  // two minutes later (the phone reuses a fix up to a minute old, so the
  // far one goes straight to the API).
  const home = middle(building.outline[0]);
  await markVisit(page, context, inBuilding[0].code, home);
  const far = await page.evaluate(
    async ([code, home]) =>
      (
        await fetch("/api/v1/visits", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            id: crypto.randomUUID(),
            household: code,
            outcome: "met",
            visited_at: new Date(Date.now() + 120_000).toISOString(),
            position: { kind: "fix", latitude: home.latitude + 0.27, longitude: home.longitude, accuracy_m: 15 },
          }),
        })
      ).status,
    [inBuilding[1].code, home],
  );
  assert.equal(far, 201);

  await page.getByTestId("nav-map").click();
  const map = page.getByTestId("map");
  await map.waitFor();
  const shape = page.getByTestId(`map-building-G1-${building.name}`);
  assert.equal(await shape.getAttribute("data-total"), String(inBuilding.length));
  assert.match(await shape.getAttribute("class"), /map-none/);
  const points = page.locator("[data-testid^='map-visit-']");
  await points.nth(1).waitFor();
  assert.equal(await points.count(), 2);
  const flagged = page.getByTestId("flagged-visit");
  await flagged.first().waitFor();
  const flags = (await flagged.allInnerTexts()).join("\n");
  assert.match(flags, /网格外/, "the far visit lies outside the grid");
  assert.match(flags, /公里/, "and implies an impossible pace");
  assert.equal(await page.locator("[data-testid^='map-visit-'].flagged").count(), 2, "both drawn as flagged");
  // The far one lies beyond the drawing: it is pinned inside its top edge.
  const beyond = page.locator("[data-testid^='map-visit-'].beyond");
  assert.equal(await beyond.count(), 1, "only the far visit is beyond the drawing");
  const [cy, height] = await beyond.evaluate((g) => [
    Number(g.lastElementChild.getAttribute("cy")),
    g.ownerSVGElement.viewBox.baseVal.height,
  ]);
  assert.ok(cy > 0 && cy < height / 2, `drawn inside the top edge (y ${cy} of ${height})`);
  const dot = await points.first().evaluate((g) => getComputedStyle(g.lastElementChild).fill);
  assert.equal(dot, "rgb(176, 0, 32)", "a flagged visit is drawn in the alert colour");
  await points.first().click();
  await page.getByTestId("map-chosen").waitFor();
  await screenshot(page, "map");

  // A survey of the building arrives: it turns partly surveyed.
  const surveyor = await browser.newContext();
  const desk = await surveyor.newPage();
  await desk.goto(server.url);
  await new LoginPage(desk).logIn("surveyor");
  await new RosterPage(desk).buildings().first().waitFor();
  const sent = await surveyUnchanged(desk, first, data.round);
  assert.equal(sent, 201);
  await surveyor.close();
  await page.getByTestId("nav-households").click();
  await roster.household(first.code).getByTestId("household-state").filter({ hasText: "已调查" }).waitFor();
  await page.getByTestId("nav-map").click();
  await shape.waitFor();
  assert.match(await shape.getAttribute("class"), /map-part/);

  // No network: the map is drawn from what the phone keeps.
  await context.setOffline(true);
  await page.reload();
  await map.waitFor();
  assert.match(await shape.getAttribute("class"), /map-part/);
  assert.equal(await points.count(), 2, "the visits kept on the phone");
  await context.close();
});
