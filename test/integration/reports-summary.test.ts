// The report email rendered by Chromium as a mail client's web view would: the R-11 figure is shown and
// the table-cell bar chart draws bars in proportion to the shares. Saves docs/images/report-summary.png
// (the README's picture of the quarterly email).
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfigText } from "../../functions/domain/config.ts";
import { computeReport } from "../../functions/reports/compute.ts";
import { renderHtmlSummary } from "../../functions/reports/render.ts";
import {
  HUMANITARIAN,
  HUMANITARIAN_JUSTIFICATIONS,
  HUMANITARIAN_NOW,
  PREVIOUS,
} from "../events/reports/cases.ts";

const CHROMIUM = "/usr/bin/chromium";
const config = loadConfigText(readFileSync("config/humanitarian.example.yaml", "utf8"), "humanitarian");

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
});

describe("report email summary in Chromium", () => {
  it("shows the R-11 figure and one bar per period, sized by the share", async () => {
    const report = computeReport(HUMANITARIAN, {
      from: "2026-01-01",
      to: "2026-03-31",
      kind: "quarterly",
      key: "2026-Q1",
      config,
      now: HUMANITARIAN_NOW,
      previous: PREVIOUS,
      justifications: HUMANITARIAN_JUSTIFICATIONS,
    });
    const page = await browser.newPage({ viewport: { width: 680, height: 900 } });
    // No network: a mail client shows no remote content either, and the summary needs none.
    await page.route("**/*", (route) => route.abort());
    await page.setContent(renderHtmlSummary(report, { language: "fr", config }), { waitUntil: "load" });

    // biome-ignore lint/performance/useDomNodeTextContent: what is rendered is what is checked (Playwright's innerText)
    await expect.poll(() => page.locator("[data-r11]").innerText()).toBe("41,7\u00a0%");
    await expect.poll(() => page.getByText("5 sur 12 traités dans les délais").count()).toBe(1);

    // Previous period 40 %, then January 33 %, February 50 %, March 50 % (R-11: H6's contact is past).
    const bars = page.locator("[data-chart-bar]");
    expect(await bars.count()).toBe(4);
    const widths: number[] = [];
    for (let i = 0; i < 4; i++) widths.push((await bars.nth(i).boundingBox())?.width ?? 0);
    const [previous, january, february, march] = widths as [number, number, number, number];
    expect(january).toBeGreaterThan(0);
    expect(january).toBeLessThan(previous);
    expect(previous).toBeLessThan(february);
    expect(march / february).toBeCloseTo(1, 1);
    expect(february / january).toBeCloseTo(1.5, 1);

    // The message fits the 600 px mail layout: no horizontal scrolling.
    const scrollWidth = await page.evaluate<number>("document.documentElement.scrollWidth");
    expect(scrollWidth).toBeLessThanOrEqual(680);

    mkdirSync("docs/images", { recursive: true });
    // The README's screenshot is refreshed with CFM_UPDATE_SCREENSHOTS=1; other runs write under test-results/.
    const dir = process.env.CFM_UPDATE_SCREENSHOTS === "1" ? "docs/images" : "test-results/screenshots";
    mkdirSync(dir, { recursive: true });
    const png = await page.screenshot({ path: `${dir}/report-summary.png`, fullPage: true });
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    await page.close();
  });
});
