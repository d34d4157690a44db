import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext, Page } from 'playwright-core';

/** Page checks for Chromium e2e tests: CSP violations, script errors and failed requests, and axe-core. */

/** axe-core's tags for WCAG 2.2 level AA (with the 2.0 and 2.1 A/AA rules it includes). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Records CSP violations, script errors and failed requests from the first byte on. */
export async function watch(context: BrowserContext, page: Page): Promise<string[]> {
  const problems: string[] = [];
  await context.addInitScript(
    "document.addEventListener('securitypolicyviolation', (e) => { (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI); });",
  );
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`));
  return problems;
}

/** The CSP violations `watch` recorded in the page so far. */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('window.__csp || []');
}

/** axe-core's WCAG 2.2 AA violations on the page as it is now, one line each (`rule: selectors`); empty when it passes. */
export async function axeViolations(page: Page): Promise<string[]> {
  // evaluate() runs through DevTools, outside the page's CSP: axe is not a script the page loads.
  await page.evaluate(axeSource);
  const result = await page.evaluate<{ id: string; nodes: { target: string[] }[] }[]>(
    // resultTypes: only violations are gathered in full (passes and the rest stop at their first node): faster.
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} }, resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  );
  return result.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
