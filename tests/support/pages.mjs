// Page objects: the steps a user takes, by test id and visible text.
import assert from "node:assert/strict";

export class LoginPage {
  constructor(page) {
    this.page = page;
  }

  async logIn(username, password = "demo") {
    await this.page.getByTestId("login-username").fill(username);
    await this.page.getByTestId("login-password").fill(password);
    await this.page.getByTestId("login-submit").click();
    await this.page.getByTestId("user-name").waitFor();
  }
}

export class RosterPage {
  constructor(page) {
    this.page = page;
  }

  buildings() {
    return this.page.locator("[data-testid^='building-']");
  }

  household(code) {
    return this.page.getByTestId(`household-${code}`);
  }

  async open(code) {
    await this.household(code).click();
    await this.page.getByTestId("household-title").waitFor();
  }
}

export class HouseholdPage {
  constructor(page) {
    this.page = page;
  }

  members() {
    return this.page.locator("[data-testid^='member-']");
  }

  /** Taps the choice with this code in the member's field. */
  async choose(field, person, code) {
    await this.page.getByTestId(`${field}-${person}`).locator(`[data-code="${code}"]`).click();
  }

  async setEmployment(person, status) {
    await this.choose("employment", person, status);
  }

  async setChannel(person, channel) {
    await this.choose("channel", person, channel);
  }

  async setWorkPlace(person, place) {
    await this.choose("work_place", person, place);
  }

  async setMonthsAndIncome(person, months, income) {
    await this.page.getByTestId(`months_worked-${person}`).fill(String(months));
    await this.page.getByTestId(`monthly_income-${person}`).fill(String(income));
  }

  /** The member's age as the card shows it. */
  async age(person) {
    const meta = await this.page.getByTestId(`member-${person}`).locator(".member-meta").innerText();
    return Number(meta.match(/(\d+)岁/)?.[1]);
  }

  /** Whether the form asks this member about training and intentions. */
  async asksIntention(person) {
    return this.page.getByTestId(`intended_work-${person}`).isVisible();
  }

  async setIntention(person, willing, work) {
    await this.page.getByTestId(`willing_to_train-${person}`).getByRole("button", { name: willing ? "是" : "否" }).click();
    await this.page.getByTestId(`intended_work-${person}`).fill(work);
  }

  /** "全户无变化": straight to the summary. */
  async allUnchanged() {
    await this.page.getByTestId("all-unchanged").click();
    await this.page.getByTestId("summary").waitFor();
  }

  /** To the summary, then confirm: the capture is saved on the phone. */
  async submitOnPhone() {
    await this.page.getByTestId("review").click();
    await this.page.getByTestId("summary").waitFor();
    await this.page.getByTestId("submit").click();
  }

  /** Submits and waits until the server has it. */
  async submit() {
    await this.submitOnPhone();
    const accepted = this.page.getByTestId("submit-accepted");
    await accepted.waitFor();
    assert.match(await accepted.innerText(), /已提交/);
  }
}

export class CoveragePage {
  constructor(page) {
    this.page = page;
  }

  /** Opens coverage at the place of code `place`: its lines are the places one level down. */
  async open(place) {
    await this.page.getByTestId("nav-coverage").click();
    await this.page.getByTestId("coverage-total").waitFor();
    if (place) {
      await this.page.goto(new URL(`/coverage?place=${place}`, this.page.url()).href);
    }
  }

  async surveyed(grid) {
    const cell = this.page.getByTestId(`coverage-${grid}`).getByTestId("coverage-surveyed");
    await cell.waitFor();
    return Number(await cell.innerText());
  }
}

/** Logs out through the header. */
export async function logOut(page) {
  await page.getByTestId("log-out").click();
  await page.getByTestId("login-username").waitFor();
}
