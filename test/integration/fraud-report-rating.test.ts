import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortalVisitor, formBody, visibleText } from '../http/portal-forms.js';
import { postgresAvailable, shouldRun } from '../helpers/services.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';
import { valueOf } from './metrics-scrape.js';
import { purgeExpired } from '../../src/adapters/store/housekeeping.js';

const series = (flow: string, rating: number) => `unlatch_friction_rating_total{tenant="demo",flow="${flow}",rating="${rating}"}`;

/** The rating form's single-use token, from a done page. */
function ratingToken(html: string): string {
  const token = /<input type="hidden" name="token" value="([^"]+)">/.exec(html)?.[1];
  if (!token) throw new Error('no rating form on the page');
  return token;
}

/**
 * SLI M8: the anonymous "How easy was this?" on the done pages. An answer moves the series and one daily count,
 * once per token (a second submit answers the same page and counts nothing); nothing about the person, the flow
 * or the address is stored; the POST needs its CSRF token and is limited per IP; `portal.frictionRating: false`
 * hides it. On SQLite and PostgreSQL (the count's upsert differs by dialect underneath).
 */
describe.each(['sqlite', 'postgres'] as const)('the friction rating (%s)', (database) => {
  let t: TestApp;
  let skip = false;

  beforeAll(async () => {
    if (database === 'postgres' && !shouldRun('PostgreSQL', await postgresAvailable())) {
      skip = true;
      return;
    }
    t = await startTestApp({ database, overrides: { rateLimits: {} } });
  });
  afterAll(async () => t?.close());

  const scrape = async () => (await t.server.inject({ method: 'GET', url: '/metrics' })).body;

  it('counts one answer per done page, anonymously; a second submit of the same form counts nothing and answers the same', async () => {
    if (skip) return;
    const visitor = new PortalVisitor(t);
    const page = await visitor.get('/reset/done');
    expect(page.statusCode).toBe(200);
    expect(visibleText(page.body)).toContain('How easy was this?');
    for (const rating of [1, 2, 3, 4, 5]) expect(page.body).toContain(`id="rating-${rating}"`);
    const token = ratingToken(page.body);
    // Stored as a hash with an expiry, nothing else.
    const tokens = await t.app.database.db.selectFrom('rating_tokens').selectAll().execute();
    expect(Object.keys(tokens[0]!).sort()).toEqual(['expires_at', 'token_hash']);
    expect(JSON.stringify(tokens)).not.toContain(token);

    // Post/redirect/get: the answer redirects to the thank-you, so a reload or Back never resends it.
    const answered = await visitor.post('/reset/done', { token, rating: '4' });
    expect(answered.statusCode).toBe(303);
    expect(answered.headers.location).toBe('/reset/done?rated=1');
    const thanks = await visitor.follow(answered);
    expect(thanks.statusCode).toBe(200);
    expect(visibleText(thanks.body)).toContain('Thank you for your answer.');
    expect(thanks.body).not.toContain('name="rating"');
    expect(valueOf(await scrape(), series('reset', 4))).toBe(1);
    const counts = await t.app.database.db.selectFrom('friction_ratings').selectAll().execute();
    expect(counts).toEqual([{ tenant_id: 'demo', flow: 'reset', day: t.clock.now().toISOString().slice(0, 10), rating: 4, count: 1 }]);

    // The same form again (a resubmit, or a stuffer): the same page, nothing counted.
    const again = await visitor.post('/reset/done', { _csrf: /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!, token, rating: '4' });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(answered.headers.location);
    const stranger = new PortalVisitor(t);
    const unknown = await stranger.fill('/reset/done', { token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', rating: '4' });
    expect(unknown.headers.location).toBe(answered.headers.location);
    expect(visibleText((await stranger.follow(unknown)).body)).toBe(visibleText(thanks.body));
    expect(valueOf(await scrape(), series('reset', 4))).toBe(1);
    expect((await t.app.database.db.selectFrom('friction_ratings').select('count').executeTakeFirstOrThrow()).count).toBe(1);
  });

  it('counts the change done page apart, and skipping or an out-of-range answer counts nothing', async () => {
    if (skip) return;
    const visitor = new PortalVisitor(t);
    const page = await visitor.get('/change/done');
    const token = ratingToken(page.body);
    expect((await visitor.post('/change/done', { token })).headers.location).toBe('/change/done?rated=1');
    expect(valueOf(await scrape(), series('change', 2))).toBe(0);
    const other = new PortalVisitor(t);
    await other.get('/change/done');
    expect((await other.post('/change/done', { token: ratingToken(other.lastPage), rating: '9' })).statusCode).toBe(303);
    const third = new PortalVisitor(t);
    await third.get('/change/done');
    await third.post('/change/done', { token: ratingToken(third.lastPage), rating: '2' });
    const text = await scrape();
    expect(valueOf(text, series('change', 2))).toBe(1);
    expect(text).not.toContain('rating="9"');
  });

  it('lets an unused form run out after an hour (it counts nothing then), and housekeeping removes spent tokens', async () => {
    if (skip) return;
    const visitor = new PortalVisitor(t);
    await visitor.get('/reset/done');
    const token = ratingToken(visitor.lastPage);
    t.clock.advance(3601);
    await visitor.post('/reset/done', { token, rating: '1' });
    expect(valueOf(await scrape(), series('reset', 1))).toBe(0);
    const report = await purgeExpired(t.app.database.db, t.clock.now(), { outboxRetentionDays: 7, devOutboxKeep: 500 });
    expect(report.ratingTokens).toBeGreaterThan(0);
    expect(await t.app.database.db.selectFrom('rating_tokens').selectAll().execute()).toEqual([]);
  });

  it('refuses a rating without its CSRF token, and a repeated field', async () => {
    if (skip) return;
    const visitor = new PortalVisitor(t);
    await visitor.get('/reset/done');
    const token = ratingToken(visitor.lastPage);
    const noCsrf = await t.server.inject({ method: 'POST', url: '/reset/done', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: formBody({ token, rating: '5' }) });
    expect(noCsrf.statusCode).toBe(403);
    expect((await visitor.post('/reset/done', { token, rating: ['5', '5'] })).statusCode).toBe(400);
    expect(valueOf(await scrape(), series('reset', 5))).toBe(0);
  });
});

describe('the friction rating and report limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ overrides: { portal: { frictionRating: false } } });
  });
  afterAll(async () => t?.close());

  it('asks nothing when `portal.frictionRating` is false, and counts nothing posted anyway', async () => {
    const visitor = new PortalVisitor(t);
    for (const url of ['/reset/done', '/change/done']) {
      const page = await visitor.get(url);
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('How easy was this?');
      expect(page.body).not.toContain('name="rating"');
    }
    await visitor.get('/report');
    const res = await visitor.post('/reset/done', { token: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', rating: '5' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/reset/done');
    expect(await t.app.database.db.selectFrom('friction_ratings').selectAll().execute()).toEqual([]);
  });

  it('limits report confirmations per IP: 429 with Retry-After once the bucket is spent, the same for every token', async () => {
    const visitor = new PortalVisitor(t);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) {
      await visitor.get('/report?token=x');
      const res = await visitor.post('/report', { token: `guess-${i}` });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses[10]).toBe(429);
  });
});
