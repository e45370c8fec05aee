// daggercheck explore: the page over the JSON API (docs/explore.md).
// The whole view follows from `view`: the configuration, the path of
// fingerprints and the cursor on it; the URL's hash holds them, so a
// link reopens the same step.
"use strict";

const view = { model: "", params: [], bug: "", path: [], cursor: -1 };
let info = null;        // GET /.model for the configuration
let steps = [];         // the whole path's steps (GET /.states/path)
let impl = null;        // the implementation's replay of the path, if asked for
let lastCheck = null;

const $ = (id) => document.getElementById(id);

function query() {
  const q = new URLSearchParams();
  if (view.model) q.set("model", view.model);
  for (const p of view.params) q.append("p", p);
  if (view.bug) q.set("bug", view.bug);
  return q;
}

async function api(route, opts) {
  const q = query().toString();
  const res = await fetch(route + (q ? (route.includes("?") ? "&" : "?") + q : ""), opts);
  const body = await res.json();
  if (!res.ok) throw new Error(body.error || res.statusText);
  return body;
}

function showError(err) {
  const e = $("error");
  if (!err) { e.hidden = true; e.textContent = ""; return; }
  e.hidden = false;
  e.textContent = String(err.message || err);
}

function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  view.model = h.get("model") || "";
  view.params = h.getAll("p");
  view.bug = h.get("bug") || "";
  view.path = (h.get("path") || "").split("/").filter((s) => s);
  const c = parseInt(h.get("step") || "", 10);
  view.cursor = Number.isInteger(c) && c >= 0 && c < view.path.length ? c : view.path.length - 1;
}

function writeHash() {
  const h = query();
  if (view.path.length) { h.set("path", view.path.join("/")); h.set("step", String(view.cursor)); }
  history.replaceState(null, "", "#" + h.toString());
}

function prefix() { return view.path.slice(0, view.cursor + 1).join("/"); }

async function loadModel() {
  info = await api("/.model");
  view.model = info.config.model;
  view.params = info.config.params;
  view.bug = info.config.bug;
  $("model-name").textContent = info.config.model;
  $("params").value = info.config.params.join(" ");
  $("bug").value = info.config.bug;
  const sel = $("search-prop");
  sel.replaceChildren();
  for (const p of info.properties) {
    if (!p.searchable) continue;
    const o = document.createElement("option");
    o.value = p.name;
    o.textContent = (p.kind === "sometimes" ? "witness " : "violation of ") + p.name;
    sel.append(o);
  }
  $("impl-pane").hidden = !info.impl;
}

let generation = 0; // a render that a later one overtook draws nothing

async function render() {
  const gen = ++generation;
  writeHash();
  showError(null);
  const all = view.path.length ? (await api("/.states/" + view.path.join("/"))).steps : [];
  const here = view.path.length ? await api("/.states/" + prefix()) : null;
  if (gen !== generation) return;
  steps = all;
  renderPath();
  renderState(here);
  renderMoves(here ? here.moves : info.initial.map((s, i) => ({ label: "initial state " + (i + 1), fp: s.fp, changes: s.fields, broken: s.broken, initial: true })));
  await renderDiagram(gen);
}

function renderPath() {
  const ol = $("path");
  ol.replaceChildren();
  steps.forEach((st, i) => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.textContent = i === 0 ? "initial state" : st.label;
    if (i === view.cursor) { li.className = "current"; b.setAttribute("aria-current", "step"); }
    if (i > view.cursor) li.classList.add("after");
    if (st.state.broken && st.state.broken.length) li.classList.add("bad");
    b.addEventListener("click", () => go(i));
    li.append(b);
    ol.append(li);
  });
  $("back").disabled = view.cursor <= 0;
  $("forward").disabled = view.cursor >= view.path.length - 1;
}

function renderState(here) {
  const tbody = document.querySelector("#state tbody");
  tbody.replaceChildren();
  const broken = $("broken");
  broken.replaceChildren();
  $("step-no").textContent = here ? "after step " + view.cursor : "(pick an initial state)";
  if (!here) return;
  const st = here.steps[here.steps.length - 1].state;
  const changed = new Set(st.changed || []);
  const implStep = impl && impl.steps.find((s) => s.step === view.cursor);
  const implFields = new Map(((implStep && implStep.state) || []).map((f) => [f.name, f.value]));
  $("impl-col").hidden = !implStep;
  for (const f of st.fields) {
    const tr = document.createElement("tr");
    if (changed.has(f.name)) { tr.className = "changed"; tr.title = "changed by the last step"; }
    const name = document.createElement("td"), value = document.createElement("td");
    name.textContent = f.name;
    value.textContent = f.value;
    tr.append(name, value);
    if (implStep) {
      const td = document.createElement("td");
      td.className = "impl";
      td.textContent = implFields.has(f.name) ? implFields.get(f.name) : "";
      if (implFields.has(f.name) && implFields.get(f.name) !== f.value) tr.classList.add("differs");
      tr.append(td);
    }
    tbody.append(tr);
  }
  for (const p of st.broken || []) badge(broken, "bad", "breaks " + p);
  for (const p of st.witnesses || []) badge(broken, "witness", "witnesses " + p);
  if (!(st.broken || []).length) badge(broken, "ok", "no invariant broken here");
  if (implStep) {
    badge(broken, implStep.diff ? "bad" : "ok", "implementation: " + implStep.did + (implStep.diff ? "; differs: " + implStep.diff : ""));
  }
}

function badge(parent, cls, text) {
  const s = document.createElement("span");
  s.className = cls;
  s.textContent = text;
  parent.append(s, " ");
}

function renderMoves(moves) {
  const ol = $("moves");
  ol.replaceChildren();
  if (!moves.length) {
    const li = document.createElement("li");
    li.textContent = "none: no action is enabled here";
    ol.append(li);
  }
  moves.forEach((m, i) => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.className = "move";
    b.dataset.fp = m.fp;
    b.append(document.createTextNode((i < 9 ? "[" + (i + 1) + "] " : "") + m.label));
    const ch = document.createElement("span");
    ch.className = "changes";
    ch.textContent = m.initial ? "" : (m.changes.map((f) => f.name + " → " + f.value).join("; ") || "changes nothing");
    b.append(ch);
    if (m.broken && m.broken.length) {
      li.className = "bad";
      const w = document.createElement("span");
      w.className = "changes";
      w.textContent = "leads to a state that breaks " + m.broken.join(", ");
      b.append(w);
    }
    b.addEventListener("click", () => take(m.fp, m.initial));
    li.append(b);
    ol.append(li);
  });
}

async function renderDiagram(gen) {
  const d = $("diagram");
  if (!view.path.length) { d.replaceChildren(); $("svg-download").removeAttribute("href"); $("trace-download").removeAttribute("href"); return; }
  const q = "?" + query().toString();
  const url = "/.svg/" + prefix() + q;
  const res = await fetch(url);
  const svg = res.ok ? await res.text() : "";
  if (gen !== generation) return;
  d.innerHTML = svg;
  $("svg-download").href = url;
  $("trace-download").href = "/.trace/" + prefix() + q;
}

function take(fp, initial) {
  view.path = initial ? [fp] : view.path.slice(0, view.cursor + 1).concat([fp]);
  view.cursor = view.path.length - 1;
  impl = null;
  return render().catch(showError);
}

function go(i) {
  if (i < 0 || i >= view.path.length) return Promise.resolve();
  view.cursor = i;
  return render().catch(showError);
}

async function walk(cfg, path, cursor) {
  const changedConfig = cfg.model !== view.model || cfg.params.join(" ") !== view.params.join(" ") || cfg.bug !== view.bug;
  view.model = cfg.model; view.params = cfg.params; view.bug = cfg.bug;
  if (changedConfig) await loadModel();
  view.path = path;
  view.cursor = cursor;
  impl = null;
  await render();
}

$("back").addEventListener("click", () => go(view.cursor - 1));
$("forward").addEventListener("click", () => go(view.cursor + 1));
$("restart").addEventListener("click", () => { view.path = []; view.cursor = -1; impl = null; render().catch(showError); });

document.addEventListener("keydown", (e) => {
  if (e.target.closest("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === "j" || e.key === "ArrowRight") { e.preventDefault(); go(view.cursor + 1); }
  else if (e.key === "k" || e.key === "ArrowLeft") { e.preventDefault(); go(view.cursor - 1); }
  else if (/^[1-9]$/.test(e.key)) {
    const b = document.querySelectorAll("#moves button.move")[Number(e.key) - 1];
    if (b) { e.preventDefault(); b.click(); }
  }
});

$("config").addEventListener("submit", (e) => {
  e.preventDefault();
  view.params = $("params").value.split(/\s+/).filter((s) => s);
  view.bug = $("bug").value.trim();
  view.path = []; view.cursor = -1; impl = null;
  loadModel().then(render).catch(showError);
});

$("search").addEventListener("submit", async (e) => {
  e.preventDefault();
  const out = $("search-out");
  const prop = $("search-prop").value;
  if (!view.path.length) { out.textContent = "pick an initial state first"; return; }
  out.textContent = "searching…";
  try {
    const f = await api("/.search/" + prefix() + "?property=" + encodeURIComponent(prop));
    if (!f.found) {
      out.textContent = f.exhausted ? "none reachable from here (" + f.explored + " states)" : "none within " + f.explored + " states";
      return;
    }
    view.path = f.path;
    view.cursor = f.path.length - 1;
    impl = null;
    await render();
    out.textContent = (f.goal === "witness" ? "witness" : "violation") + " of " + prop + " " + f.steps + " steps ahead";
  } catch (err) { out.textContent = ""; showError(err); }
});

$("trace-file").addEventListener("change", async () => {
  const file = $("trace-file").files[0];
  if (!file) return;
  const out = $("load-out");
  try {
    const res = await fetch("/.trace?name=" + encodeURIComponent(file.name), { method: "POST", body: await file.text() });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error);
    await walk(body.config, body.path, 0);
    out.textContent = file.name + ": " + (body.path.length - 1) + " steps, " + body.outcome + (body.property ? " of " + body.property : "");
  } catch (err) { out.textContent = ""; showError(err); }
});

$("check").addEventListener("click", async () => {
  const out = $("check-out");
  $("walk-cex").hidden = true;
  try {
    let rep = await api("/.check", { method: "POST" });
    while (rep.running) {
      out.textContent = "checking: " + rep.phase + ", depth " + rep.depth + ", " + rep.distinct + " states, " + rep.seconds.toFixed(1) + " s";
      await new Promise((r) => setTimeout(r, 300));
      rep = await api("/.check/" + rep.id);
    }
    lastCheck = rep;
    if (rep.error) { out.textContent = "check failed: " + rep.error; return; }
    out.textContent = "verdict: " + rep.verdict + (rep.property ? " of " + rep.property : "") + (rep.reason ? " (" + rep.reason + ")" : "") +
      "; " + rep.distinct + " states, depth " + rep.depth + ", " + rep.seconds.toFixed(2) + " s. " +
      rep.statuses.map((s) => s.property + ": " + s.status).join(", ");
    $("walk-cex").hidden = !(rep.path && rep.path.length);
    const tbody = document.querySelector("#coverage tbody");
    tbody.replaceChildren();
    for (const c of rep.coverage || []) {
      const tr = document.createElement("tr");
      tr.innerHTML = "<td></td><td></td>";
      tr.children[0].textContent = c.action;
      tr.children[1].textContent = c.count;
      if (c.count === 0) tr.title = "never fired";
      tbody.append(tr);
    }
    $("coverage").hidden = !(rep.coverage || []).length;
  } catch (err) { out.textContent = ""; showError(err); }
});

$("walk-cex").addEventListener("click", () => {
  if (lastCheck && lastCheck.path) walk(lastCheck.config, lastCheck.path, 0).catch(showError);
});

$("impl").addEventListener("click", async () => {
  const out = $("impl-out");
  if (!view.path.length) { out.textContent = "pick an initial state first"; return; }
  try {
    impl = await api("/.impl/" + view.path.join("/"));
    if (impl.first_diff >= 0) view.cursor = Math.min(impl.first_diff, view.path.length - 1);
    await render();
    out.textContent = "implementation: " + impl.outcome + (impl.reason ? " — " + impl.reason : "") +
      (impl.first_diff >= 0 ? "; first difference at step " + impl.first_diff : "; no difference");
  } catch (err) { out.textContent = ""; showError(err); }
});

readHash();
loadModel().then(render).catch(showError);
