import { join } from 'node:path';
import { Eta } from 'eta';
import { describe, expect, it } from 'vitest';
import { buildChart, type ChartData } from '../../src/http/admin/charts/chart-data.js';
import { packageRoot } from '../../src/package-root.js';

/** The partial rendered as @fastify/view renders it in the console: Eta with auto-escaping, views under src/http/admin/views. */
const eta = new Eta({ autoEscape: true, views: join(packageRoot(), 'src', 'http', 'admin', 'views') });
const render = (data: ChartData): string => eta.render('partials/chart', data);

describe('views/partials/chart.eta', () => {
  it('renders a figure whose table holds every value, raw in data-value and formatted as text', () => {
    const html = render(
      buildChart({
        id: 'by-method',
        kind: 'stacked-bar',
        caption: 'Resets by method',
        xLabel: 'Method',
        labels: ['Email code', 'Passkey'],
        series: [
          { name: 'Completed', values: [1500, 3] },
          { name: 'Failed', values: [12, null] },
        ],
      }),
    );
    expect(html).toContain('<figure class="chart" id="chart-by-method" data-chart="stacked-bar">');
    expect(html).toContain('<figcaption class="chart-caption" id="by-method-caption">Resets by method</figcaption>');
    expect(html).toContain('id="by-method-data" role="region" aria-labelledby="by-method-caption" tabindex="0"');
    expect(html).toContain('<caption class="chart-table-caption">Resets by method</caption>');
    expect(html).toMatch(/<tr><th scope="col">Method<\/th><th scope="col">Completed<\/th><th scope="col">Failed<\/th><\/tr>/);
    expect(html).toContain('<tr><th scope="row">Email code</th><td data-value="1500">1,500</td><td data-value="12">12</td></tr>');
    expect(html).toContain('<tr><th scope="row">Passkey</th><td data-value="3">3</td><td data-value="">–</td></tr>');
    expect(html).not.toContain('data-unit');
    expect(html).not.toContain('<canvas');
  });

  it('carries the unit and the translated button text for the script', () => {
    const html = render(
      buildChart({
        id: 'rate',
        kind: 'line',
        caption: 'Success rate',
        xLabel: 'Day',
        labels: ['1 Mar'],
        series: [{ name: 'Rate', values: [0.5] }],
        format: 'percent',
        showTableLabel: 'Tabelle zeigen',
      }),
    );
    expect(html).toContain('data-chart="line" data-unit="%" data-show-table="Tabelle zeigen"');
    expect(html).toContain('<td data-value="50">50.0%</td>');
  });

  it('escapes every text it is given', () => {
    const evil = '<img src=x onerror="alert(1)">';
    const html = render(
      buildChart({
        id: 'x',
        kind: 'bar',
        caption: evil,
        xLabel: evil,
        labels: [evil],
        series: [{ name: evil, values: [1] }],
        showTableLabel: evil,
      }),
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('onerror="');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;');
  });

  it('falls back to the raw value where a series has no formatted cells', () => {
    const html = render({
      id: 'plain',
      kind: 'bar',
      caption: 'Plain',
      xLabel: 'Group',
      labels: ['a', 'b'],
      series: [{ name: 'n', values: [7, null], cells: undefined as unknown as string[] }],
    });
    expect(html).toContain('<td data-value="7">7</td>');
    expect(html).toContain('<td data-value="">–</td>');
  });
});
