"use strict";
// The dashboard: plain DOM, no framework, no network but this server.
const $ = (id) => document.getElementById(id);
const FIELDS = ["power_price_usd_per_mwh", "rent_usd_per_kw_month", "fitout_capex_usd_per_it_mw",
  "btc_price_usd", "btc_vol_per_year"];
let overrideKeys = {};   // "power.price_usd_per_mwh" -> "power_price_usd_per_mwh"
let uploaded = null;     // an uploaded site file's text
let currentJob = null;

async function api(method, path, body) {
  const opts = { method, headers: {} };
  const token = sessionStorage.getItem("hashpivot_token");
  if (token) opts.headers["Authorization"] = "Bearer " + token;
  if (body !== undefined) { opts.headers["Content-Type"] = "application/json"; opts.body = JSON.stringify(body); }
  const r = await fetch(path, opts);
  const data = await r.json().catch(() => ({}));
  return { ok: r.ok, status: r.status, data };
}

const usdM = (x) => (x === null || x === undefined) ? "n/a" : (x < 0 ? "-$" : "$") + (Math.abs(x) / 1e6).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + "M";
const pct = (x) => (x === null || x === undefined) ? "n/a" : Math.round(x * 100) + "%";
function cell(tr, text, value) {
  const td = document.createElement("td"); td.textContent = text;
  if (value !== undefined && value !== null) td.dataset.value = String(value);
  tr.appendChild(td); return td;
}

function clearErrors() {
  document.querySelectorAll(".err").forEach((e) => { e.textContent = ""; });
}
function showError(err) {
  const field = (err && err.field) || "";
  const msg = (err && err.message) || "request failed";
  const id = overrideKeys[field] || (field === "paths" ? "paths" : null);
  const target = id ? $("err-" + id) : (field.startsWith("site") ? $("err-site") : $("form-error"));
  target.textContent = msg;
  if (id) $(id).setAttribute("aria-invalid", "true");
}

function siteBody() {
  const body = {};
  if (uploaded !== null) body.site_toml = uploaded; else body.example = $("example").value;
  const overrides = {};
  for (const f of FIELDS) { const v = $(f).value.trim(); if (v !== "") overrides[f] = Number(v); }
  if (Object.keys(overrides).length) body.overrides = overrides;
  return body;
}

function rankedRows(result) {
  return Object.entries(result.strategies).sort((a, b) => (b[1].npv_mean_usd ?? -Infinity) - (a[1].npv_mean_usd ?? -Infinity));
}

function renderCharts(result, charts) {
  if (!charts || typeof Plotly === "undefined") return;
  const hist = [], cash = [];
  for (const [name, c] of Object.entries(charts)) {
    const e = c.npv_histogram.edges_usd, n = c.npv_histogram.counts;
    if (e.length > 1) hist.push({ type: "bar", name, opacity: 0.6, x: n.map((_, i) => (e[i] + e[i + 1]) / 2e6), y: n });
    if (c.monthly_mean_net_usd) cash.push({ type: "scatter", mode: "lines", name, x: result.fan.months, y: c.monthly_mean_net_usd.map((v) => v / 1e6) });
  }
  const cfg = { displaylogo: false, responsive: true };
  const t = (text) => ({ text });
  if (result.paths === 1) {  // one deterministic path: each strategy's NPV as a bar
    const ranked = rankedRows(result);
    Plotly.react("npv-chart", [{ type: "bar", x: ranked.map((r) => r[0]), y: ranked.map((r) => (r[1].npv_mean_usd ?? 0) / 1e6) }],
      { title: t("NPV by strategy (one deterministic path)"), yaxis: { title: t("NPV [USD M]") }, margin: { t: 40 } }, cfg);
  } else {
    Plotly.react("npv-chart", hist, { title: t("NPV distribution by strategy"), barmode: "overlay", xaxis: { title: t("NPV [USD M]") }, yaxis: { title: t("paths") }, margin: { t: 40 } }, cfg);
  }
  Plotly.react("cash-chart", cash, { title: t("Monthly net cash flow (mean over the sample paths)"), xaxis: { title: t("month") }, yaxis: { title: t("USD M per month") }, margin: { t: 40 } }, cfg);
}

function renderAnswer(run) {
  const result = run.result;
  $("answer").hidden = false;
  $("run-label").textContent = `(run ${run.id}, ${run.kind}, ${result.paths} path(s), seed ${result.seed})`;
  const best = result.strategies[result.recommendation];
  $("recommendation").textContent = `Recommendation: ${result.recommendation}, with the highest mean NPV (${usdM(best.npv_mean_usd)}) for ${result.site}.`;
  $("recommendation").dataset.strategy = result.recommendation;
  const tbody = $("ranked").querySelector("tbody"); tbody.replaceChildren();
  for (const [name, s] of rankedRows(result)) {
    const tr = document.createElement("tr"); tr.dataset.strategy = name;
    if (name === result.recommendation) tr.className = "best";
    cell(tr, name); cell(tr, usdM(s.npv_mean_usd), s.npv_mean_usd); cell(tr, usdM(s.npv_p10_usd), s.npv_p10_usd);
    cell(tr, usdM(s.npv_p50_usd), s.npv_p50_usd); cell(tr, usdM(s.npv_p90_usd), s.npv_p90_usd);
    cell(tr, pct(s.prob_best), s.prob_best); cell(tr, (s.equity_usd_per_w_p50 ?? 0).toFixed(2), s.equity_usd_per_w_p50);
    tbody.appendChild(tr);
  }
  const sw = result.switch || {};
  const box = $("switch"); box.replaceChildren();
  const para = document.createElement("p");
  para.textContent = sw.best_month === null || sw.best_month === undefined ? (sw.note || "no switch option")
    : `Best fixed conversion month ${sw.best_month_date}: mean NPV ${usdM(sw.best_month_npv_mean_usd)} vs converting now ${usdM(sw.convert_now_npv_mean_usd)}; the option to wait is worth ${usdM(sw.option_value_usd)}.`;
  box.appendChild(para);
  const rules = document.createElement("ul");
  for (const line of (sw.policy || []).slice(0, 8)) { const li = document.createElement("li"); li.textContent = line; rules.appendChild(li); }
  box.appendChild(rules);
  const ul = $("assumptions"); ul.replaceChildren();
  for (const a of result.assumptions || []) { const li = document.createElement("li"); li.textContent = `${a.name}: ${a.value} (${a.source})`; ul.appendChild(li); }
  for (const fmt of ["xlsx", "html"]) {
    const a = $("dl-" + fmt); a.href = `/v1/runs/${run.id}/report.${fmt}`;
    a.hidden = !run.report_files.some((f) => f.endsWith("." + fmt));
  }
  renderCharts(result, run.charts);
}

async function poll(id) {
  currentJob = id; $("progress-box").hidden = false;
  for (;;) {
    const r = await api("GET", `/v1/jobs/${id}`);
    if (!r.ok) { showError(r.data.error || { message: r.data.detail }); break; }
    const p = r.data.progress; $("progress").max = Math.max(p.total, 1); $("progress").value = p.done;
    $("progress-text").textContent = `run ${id}: ${r.data.status}, ${p.done}/${p.total} batches`;
    if (r.data.status === "done") { const res = await api("GET", `/v1/jobs/${id}/result`); renderAnswer(res.data); break; }
    if (["failed", "cancelled"].includes(r.data.status)) { $("form-error").textContent = r.data.error; break; }
    await new Promise((ok) => setTimeout(ok, 400));
  }
  currentJob = null; $("progress-box").hidden = true; loadRuns();
}

async function submit(ev) {
  ev.preventDefault(); clearErrors();
  const mc = document.querySelector("input[name=mode]:checked").value === "montecarlo";
  const body = siteBody();
  const check = await api("POST", "/v1/sites/validate", body);
  if (!check.ok) { showError(check.data.error); return; }
  $("run").disabled = true;
  try {
    if (mc) {
      body.paths = Number($("paths").value || "5000");
      const r = await api("POST", "/v1/jobs/compare", body);
      if (!r.ok) { showError(r.data.error); return; }
      await poll(r.data.id);
    } else {
      $("progress-box").hidden = false; $("progress-text").textContent = "running the deterministic path";
      const r = await api("POST", "/v1/compare/deterministic", body);
      $("progress-box").hidden = true;
      if (!r.ok) { showError(r.data.error); return; }
      renderAnswer(r.data); loadRuns();
    }
  } finally { $("run").disabled = false; }
}

async function openRun(id) {
  const r = await api("GET", `/v1/runs/${id}`);
  if (r.ok && r.data.result && r.data.result.strategies) renderAnswer(r.data);
  else $("form-error").textContent = `run ${id}: ${r.data.status || ""} ${r.data.error || "no compare result to show"}`;
}

async function loadRuns() {
  const r = await api("GET", "/v1/runs?limit=50"); if (!r.ok) return;
  const tbody = $("runs").querySelector("tbody"); tbody.replaceChildren();
  for (const run of r.data.runs) {
    const tr = document.createElement("tr"); tr.dataset.run = String(run.id);
    const pick = document.createElement("input"); pick.type = "checkbox"; pick.value = String(run.id);
    pick.setAttribute("aria-label", `pick run ${run.id}`);
    const td0 = document.createElement("td"); td0.appendChild(pick); tr.appendChild(td0);
    for (const v of [run.id, run.kind, run.site_name, run.status, run.paths ?? "", run.seed ?? "", run.created_at]) cell(tr, String(v));
    const b = document.createElement("button"); b.type = "button"; b.textContent = "Open"; b.className = "open";
    b.addEventListener("click", () => openRun(run.id));
    const td = document.createElement("td"); td.appendChild(b); tr.appendChild(td);
    tbody.appendChild(tr);
  }
}

async function sideBySide() {
  const ids = [...document.querySelectorAll("#runs input:checked")].map((c) => Number(c.value));
  const pair = $("pair"); pair.replaceChildren();
  if (ids.length !== 2) { pair.textContent = "Tick exactly two runs."; return; }
  const d = await api("GET", `/v1/runs/diff?a=${ids[0]}&b=${ids[1]}`); if (!d.ok) return;
  const changed = new Set(d.data.inputs.map((x) => x.field));
  for (const [side, id] of [["a", ids[0]], ["b", ids[1]]]) {
    const box = document.createElement("div"); const h = document.createElement("h3"); h.textContent = `Run ${id}`; box.appendChild(h);
    const t = document.createElement("table");
    for (const row of d.data.npv_mean_usd) { const tr = document.createElement("tr"); cell(tr, row.strategy); cell(tr, usdM(row[side + "_usd"]), row[side + "_usd"]); t.appendChild(tr); }
    for (const row of d.data.inputs) { const tr = document.createElement("tr"); tr.className = changed.has(row.field) ? "diff" : ""; cell(tr, row.field); cell(tr, JSON.stringify(row[side])); t.appendChild(tr); }
    box.appendChild(t); pair.appendChild(box);
  }
}

async function init() {
  const r = await api("GET", "/v1/examples");
  if (r.ok) {
    for (const name of r.data.examples) { const o = document.createElement("option"); o.value = name; o.textContent = name; $("example").appendChild(o); }
    for (const [f, o] of Object.entries(r.data.overrides)) overrideKeys[`${o.table}.${o.key}`] = f;
    $("paths").max = r.data.limits.max_paths_per_run;
  }
  $("site-file").addEventListener("change", async (ev) => { const f = ev.target.files[0]; uploaded = f ? await f.text() : null; });
  $("run-form").addEventListener("submit", submit);
  $("refresh").addEventListener("click", loadRuns);
  $("side-by-side").addEventListener("click", sideBySide);
  $("cancel").addEventListener("click", () => { if (currentJob) api("DELETE", `/v1/jobs/${currentJob}`); });
  loadRuns();
}
init();
