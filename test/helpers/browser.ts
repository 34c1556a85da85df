// Chromium for the browser tests (playwright-core, the system Chromium: no browser download). Import this
// module before starting the local stack: the stack installs a virtual clock in the worker, and the browser
// must be launched on real time.
import { existsSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CFM_CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless=new",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Screenshots for the README: small and stable. */
export const DESKTOP = { width: 800, height: 900 } as const;
export const MOBILE = { width: 360, height: 640 } as const;

export class ChromiumMissingError extends Error {
  override name = "ChromiumMissingError";
}

/** Fails (never skips) when Chromium is missing: CI installs it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new ChromiumMissingError(
      `Chromium not found at ${CHROMIUM_PATH}: the browser tests need it. Install it (Debian/Ubuntu: ` +
        "`apt-get install chromium`) or set CFM_CHROMIUM_PATH to a Chromium or Chrome binary.",
    );
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** What a page did that a locked-down task page must never do. */
export interface PageWatch {
  page: Page;
  context: BrowserContext;
  /** Every request the page made (the document included). */
  requests: string[];
  /** Console messages of type error or warning (CSP violations are reported there too). */
  consoleProblems: string[];
  /** `securitypolicyviolation` events, as "directive blocked-uri". */
  violations(): Promise<string[]>;
  close(): Promise<void>;
}

const DOCUMENT_STATUS = /^Failed to load resource: the server responded with a status of \d+/;

/** Page-side code is passed as strings: the project compiles without the DOM library. */
const WATCH_CSP = `
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(event.effectiveDirective + " " + event.blockedURI);
  });
`;

/** A fresh context and page that records requests, console problems and CSP violations. */
export async function watchedPage(
  browser: Browser,
  options: { viewport?: { width: number; height: number }; mobile?: boolean } = {},
): Promise<PageWatch> {
  const context = await browser.newContext({
    viewport: options.viewport ?? DESKTOP,
    deviceScaleFactor: 1,
    isMobile: options.mobile ?? false,
    hasTouch: options.mobile ?? false,
    locale: "fr-FR",
  });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(20_000);
  // Init scripts run through the DevTools protocol, outside the page's CSP: the page itself has no script.
  await context.addInitScript({ content: WATCH_CSP });
  const page = await context.newPage();
  const requests: string[] = [];
  const consoleProblems: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() !== "error" && message.type() !== "warning") return;
    // Chromium logs a 4xx/5xx document as a failed load: an error page is not a page problem.
    if (DOCUMENT_STATUS.test(message.text()) && message.location().url === page.url()) return;
    consoleProblems.push(message.text());
  });
  page.on("pageerror", (error) => consoleProblems.push(`pageerror: ${error.message}`));
  return {
    page,
    context,
    requests,
    consoleProblems,
    violations: () => page.evaluate<string[]>("[...(window.__cspViolations ?? [])]"),
    close: () => context.close(),
  };
}
