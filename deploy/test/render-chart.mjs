#!/usr/bin/env node
// Renders deploy/helm/unlatch without helm (not packaged on Debian), for offline checks and for reading
// what the chart produces: node deploy/test/render-chart.mjs [chartDir] [values-override.yaml] > manifests.yaml
//
// It implements only the subset of Helm's Go templates the chart uses, and throws on anything else, so a
// template that outgrows it fails loudly here instead of rendering wrong: {{ .Values.x }}, {{ .Release.Name }},
// {{ .Chart.AppVersion }}, pipelines with quote / default / toYaml / nindent / indent, {{ if }} {{ else }}
// {{ end }}, {{ range $k, $v := .Values.map }}, and the {{- / -}} whitespace trims. With helm at hand,
// `helm template` is the real thing; docs/deployment.md says which was used for what.
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const ACTION = /\{\{(-?)\s*([\s\S]*?)\s*(-?)\}\}/g;

/** Template text → tokens, with Helm's `{{-` / `-}}` trimming of the neighbouring whitespace applied. */
function tokenize(text) {
  const tokens = [];
  let last = 0;
  for (const match of text.matchAll(ACTION)) {
    tokens.push({ text: text.slice(last, match.index), trimEnd: match[1] === '-' });
    tokens.push({ action: match[2], trimStart: match[3] === '-' });
    last = match.index + match[0].length;
  }
  tokens.push({ text: text.slice(last) });
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === undefined) continue;
    if (t.trimEnd) t.text = t.text.replace(/\s+$/, '');
    if (tokens[i - 1]?.trimStart) t.text = t.text.replace(/^\s+/, '');
  }
  return tokens;
}

/** Tokens → a tree of text, output, if and range nodes. */
function parseTree(tokens) {
  let i = 0;
  function block(stopAt) {
    const nodes = [];
    while (i < tokens.length) {
      const t = tokens[i++];
      if (t.text !== undefined) {
        nodes.push({ type: 'text', text: t.text });
        continue;
      }
      const a = t.action;
      if (a.startsWith('/*')) continue;
      if (stopAt.includes(a.split(/\s+/)[0])) return { nodes, end: a };
      if (a.startsWith('if ')) {
        const then = block(['else', 'end']);
        const otherwise = then.end === 'else' ? block(['end']).nodes : [];
        nodes.push({ type: 'if', cond: a.slice(3), then: then.nodes, otherwise });
      } else if (a.startsWith('range ')) {
        const m = /^range\s+\$(\w+),\s*\$(\w+)\s*:=\s*(\S+)$/.exec(a);
        if (!m) throw new Error(`unsupported range: {{ ${a} }}`);
        nodes.push({ type: 'range', key: m[1], value: m[2], over: m[3], body: block(['end']).nodes });
      } else if (/^(else|end|with|define|template|include|block)\b/.test(a)) {
        throw new Error(`unsupported or unbalanced action: {{ ${a} }}`);
      } else {
        nodes.push({ type: 'output', expr: a });
      }
    }
    if (stopAt.length > 0) throw new Error('missing {{ end }}');
    return { nodes, end: null };
  }
  return block([]).nodes;
}

function words(command) {
  return command.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
}

function term(word, scope) {
  if (word.startsWith('"')) return JSON.parse(word);
  if (/^-?\d+(\.\d+)?$/.test(word)) return Number(word);
  if (word === 'true' || word === 'false') return word === 'true';
  if (word.startsWith('$')) {
    if (!(word.slice(1) in scope.vars)) throw new Error(`unknown variable ${word}`);
    return scope.vars[word.slice(1)];
  }
  if (!word.startsWith('.')) throw new Error(`unsupported term: ${word}`);
  return word.slice(1).split('.').reduce((node, key) => (node === undefined || node === null ? undefined : node[key]), scope.root);
}

const FUNCTIONS = {
  quote: (v) => JSON.stringify(v === undefined || v === null ? '' : String(v)),
  default: (fallback, v) => (truthy(v) ? v : fallback),
  toYaml: (v) => (v === undefined || v === null ? 'null' : stringify(v).replace(/\n$/, '')),
  nindent: (n, v) => '\n' + indentText(String(v), n),
  indent: (n, v) => indentText(String(v), n),
  not: (v) => !truthy(v),
};

function indentText(text, n) {
  return text.split('\n').map((line) => ' '.repeat(n) + line).join('\n');
}

function truthy(v) {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

/** A pipeline: `a | f x | g`, each stage's value passed as the last argument of the next. */
function evaluate(expr, scope) {
  let value;
  expr.split(/\|(?=(?:[^"]*"[^"]*")*[^"]*$)/).forEach((stage, index) => {
    const [head, ...args] = words(stage.trim());
    if (head in FUNCTIONS) {
      const values = args.map((w) => term(w, scope));
      value = FUNCTIONS[head](...values, ...(index > 0 ? [value] : []));
    } else {
      if (index > 0 || args.length > 0) throw new Error(`unsupported function: ${head}`);
      value = term(head, scope);
    }
  });
  return value;
}

function render(nodes, scope) {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') out += node.text;
    else if (node.type === 'output') {
      const value = evaluate(node.expr, scope);
      if (value !== null && typeof value === 'object') throw new Error(`{{ ${node.expr} }} is a map or list: use toYaml`);
      out += value === undefined || value === null ? '' : String(value);
    } else if (node.type === 'if') out += render(truthy(evaluate(node.cond, scope)) ? node.then : node.otherwise, scope);
    else {
      const over = term(node.over, scope) ?? {};
      // Helm ranges over a map in sorted key order.
      for (const key of Object.keys(over).sort()) out += render(node.body, { ...scope, vars: { ...scope.vars, [node.key]: key, [node.value]: over[key] } });
    }
  }
  return out;
}

function merge(base, over) {
  if (!over || typeof over !== 'object' || Array.isArray(over)) return over ?? base;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = base && typeof base[k] === 'object' && !Array.isArray(base[k]) ? merge(base[k], v) : v;
  return out;
}

/** Every template of the chart rendered, as one multi-document YAML text (NOTES.txt and `_` helpers left out). */
export function renderChart(chartDir, overrides = {}, release = { Name: 'unlatch', Namespace: 'default' }) {
  const chart = parse(readFileSync(join(chartDir, 'Chart.yaml'), 'utf8'));
  const values = merge(parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')), overrides);
  const root = { Values: values, Release: release, Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion } };
  const files = readdirSync(join(chartDir, 'templates')).filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('_')).sort();
  return files
    .map((file) => {
      const text = render(parseTree(tokenize(readFileSync(join(chartDir, 'templates', file), 'utf8'))), { root, vars: {} });
      return text.trim() === '' ? '' : `---\n# Source: ${chart.name}/templates/${file}\n${text.replace(/\s+$/, '')}\n`;
    })
    .join('');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const chartDir = resolve(process.argv[2] ?? join(fileURLToPath(import.meta.url), '..', '..', 'helm', 'unlatch'));
  const overrides = process.argv[3] ? parse(readFileSync(process.argv[3], 'utf8')) : {};
  process.stdout.write(renderChart(chartDir, overrides));
}
