// SPDX-License-Identifier: GPL-2.0-or-later
// mixd.js: the browser control surface. Everything it shows comes from the console: the
// OSCQuery tree (GET /) says which strips, sends, buses and parameters exist, with their types
// and ranges, so a parameter added to mixd's table appears here without a page edit; values,
// changes made anywhere, and meters arrive over the WebSocket from a /subscribe, renewed before
// its lease runs out.
"use strict";

const el = UI.el;
const REDRAW_MS = 1000 / 30, HOLD_MS = 1500, FALL_DB_S = 20;

const app = {
  params: new Map(),  // address -> {type, min, max, vals, desc, unit}
  values: new Map(),  // address -> current value
  binds: new Map(),   // address -> [fn(value)]
  pending: new Map(), // address -> value to send at the next frame
  strips: [],         // strip numbers
  sends: [],          // send targets under /strip/N/send: "reverb", "delay", "aux/1", ...
  mix: "",            // "" = the main mix; else the send the faders drive
  ws: null,
  meters: new Map(),  // key -> meter state
  faders: [],         // {n, slider} of the strips
};

// ---- values and bindings ----

function bind(addr, fn) {
  if (!app.binds.has(addr)) app.binds.set(addr, []);
  app.binds.get(addr).push(fn);
  if (app.values.has(addr)) fn(app.values.get(addr));
}

function changed(addr, v) {
  app.values.set(addr, v);
  for (const fn of app.binds.get(addr) || []) fn(v);
}

// A move made here: shown at once, sent at the next animation frame (many moves of one
// control between frames cost one message).
function set(addr, v) {
  changed(addr, v);
  app.pending.set(addr, v);
}

function sendNow(address, args) {
  if (app.ws && app.ws.readyState === WebSocket.OPEN) app.ws.send(OSC.encode(address, args));
}

function flush() {
  for (const [addr, v] of app.pending) {
    const p = app.params.get(addr);
    if (!p) continue;
    const arg = p.type === "f" ? { t: "f", v } : p.type === "i" ? { t: "i", v: Math.round(v) }
      : { t: "s", v: String(v) };
    sendNow(addr, [arg]);
  }
  app.pending.clear();
}

// ---- the tree ----

function walk(node) {
  if (node.CONTENTS) {
    for (const k of Object.keys(node.CONTENTS)) walk(node.CONTENTS[k]);
    return;
  }
  if (!node.TYPE) return;
  const r = (node.RANGE && node.RANGE[0]) || {};
  app.params.set(node.FULL_PATH, { type: node.TYPE, min: r.MIN, max: r.MAX, vals: r.VALS,
    desc: node.DESCRIPTION || "", unit: node.UNIT ? node.UNIT[0] : "" });
  if (node.VALUE) app.values.set(node.FULL_PATH, node.VALUE[0]);
}

function discover(tree) {
  walk(tree);
  const strip = tree.CONTENTS && tree.CONTENTS.strip;
  app.strips = strip ? Object.keys(strip.CONTENTS).map(Number).sort((a, b) => a - b) : [];
  app.sends = [];
  const first = app.strips.length ? `/strip/${app.strips[0]}/send/` : null;
  for (const addr of app.params.keys())
    if (first && addr.startsWith(first) && addr.endsWith("/level"))
      app.sends.push(addr.slice(first.length, -"/level".length));
}

// The control a parameter gets in a panel: its law from its range and unit.
function lawOf(p) {
  if (p.min === -144 && p.max > 0) return UI.faderLaw;
  if (p.unit === "frequency.Hz" || (p.min > 0 && p.max / p.min >= 100)) return UI.logLaw(p.min, p.max);
  return UI.linLaw(p.min, p.max);
}

function fmtOf(p) {
  if (p.min === -144) return UI.fmtDb;
  const unit = (p.unit || "").split(".")[1] || "";
  return (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(Math.abs(v) >= 10 ? 1 : 2)) + (unit ? " " + unit : "");
}

// ---- meters ----

function meterEl(parent, key, withGr) {
  // the lit colours stand still (green, yellow from -18 dB, orange from -3, red above 0) and
  // a dark cover
  // hides what is above the peak; RMS is a line, the peak hold another; gain reduction is a
  // column of its own, growing down from the top
  const m = el("div", "meter" + (withGr ? " withgr" : ""), parent);
  m.dataset.meter = key;
  const lev = el("div", "lev", m);
  el("div", "lit", lev);
  const st = { el: m, peak: el("div", "cover", lev), rms: el("div", "rmsl", lev),
    hold: el("div", "hold", lev), gr: withGr ? el("div", "gr", el("div", "grcol", m)) : null,
    v: { peak: -144, rms: -144, gr: 0 }, holdDb: -144, holdT: 0, drawnHold: -144, dirty: true };
  app.meters.set(key, st);
  return st;
}

// Meters read on the fader's scale, so the marks beside a fader read its meter too.
const meterPos = (db) => Math.max(0, Math.min(1, UI.faderLaw.toPos(db)));

function meterIn(key, peak, rms, gr) {
  const st = app.meters.get(key);
  if (!st) return;
  // max since the last draw: a peak between two frames is never lost
  st.v.peak = st.dirty ? Math.max(st.v.peak, peak) : peak;
  st.v.rms = rms;
  st.v.gr = st.dirty ? Math.max(st.v.gr, gr || 0) : gr || 0;
  st.dirty = true;
}

function drawMeters(now) {
  for (const st of app.meters.values()) {
    if (st.v.peak >= st.holdDb || now - st.holdT > HOLD_MS) {
      const fallen = st.holdDb - FALL_DB_S * Math.max(0, now - st.holdT - HOLD_MS) / 1000;
      if (st.v.peak >= fallen) { st.holdDb = st.v.peak; st.holdT = now; }
      else st.holdDb = fallen;
    }
    if (!st.dirty && st.holdDb === st.drawnHold) continue;
    st.peak.style.transform = `scaleY(${1 - meterPos(st.v.peak)})`;
    st.rms.style.bottom = (meterPos(st.v.rms) * 100) + "%";
    st.hold.style.bottom = (meterPos(st.holdDb) * 100) + "%";
    st.hold.classList.toggle("clip", st.holdDb > -0.1);
    if (st.gr) st.gr.style.transform = `scaleY(${Math.min(1, st.v.gr / 24)})`;
    st.el.dataset.peak = st.v.peak.toFixed(1);
    st.drawnHold = st.holdDb;
    st.dirty = false;
  }
}

// ---- strips ----

// A bus with a name of its own (/aux/K/name for the send target "aux/K") is shown by it, so a
// musician finds their monitor mix by what it is called; fn gets the name now and on each change.
function busName(snd, fn) {
  if (app.params.has(`/${snd}/name`)) bind(`/${snd}/name`, fn);
}

function faderAddr(n) {
  return app.mix ? `/strip/${n}/send/${app.mix}/level` : `/strip/${n}/fader`;
}

function buildStrip(parent, n) {
  const base = `/strip/${n}/`, has = (name) => app.params.has(base + name);
  const s = el("div", "strip", parent);
  s.dataset.strip = n;
  const name = el("button", "name", s, String(n));
  name.dataset.addr = base + "name";
  bind(base + "name", (v) => { name.textContent = v; });
  name.addEventListener("click", () => openPanel(base.slice(0, -1), `Strip ${n}`));

  const eq = el("canvas", "eqc", s);
  eq.addEventListener("click", () => openPanel(base.slice(0, -1), `Strip ${n}`));
  const get = (k) => app.values.get(base + k);
  let eqDirty = true;
  for (const addr of app.params.keys())
    if (addr.startsWith(base + "eq/") || addr.startsWith(base + "hpf/"))
      bind(addr, () => { eqDirty = true; });
  app.eqs.push(() => { if (eqDirty) { EQ.draw(eq, get); eqDirty = false; } });

  const sends = el("div", "sends", s);
  for (const snd of app.sends) {
    const addr = `${base}send/${snd}/level`;
    const sl = new UI.Slider(sends, { law: UI.faderLaw, def: -144, addr, cls: "send",
      label: snd.replace("/", " "), onChange: (v) => set(addr, v) });
    bind(addr, (v) => sl.feedback(v));
    busName(snd, (v) => { sl.lab.textContent = v; });
  }
  if (has("pan")) {
    const pan = new UI.Slider(s, { law: UI.linLaw(-1, 1), def: 0, addr: base + "pan", cls: "pan",
      format: (v) => Math.abs(v) < 0.005 ? "C" : (v < 0 ? "L" : "R") + Math.round(Math.abs(v) * 100),
      onChange: (v) => set(base + "pan", v) });
    bind(base + "pan", (v) => pan.feedback(v));
  }
  const btns = el("div", "btns", s);
  for (const [k, lab] of [["mute", "M"], ["solo", "S"], ["cue", "C"]]) {
    if (!has(k)) continue;
    const t = new UI.Toggle(btns, lab, k, base + k, (v) => set(base + k, v));
    bind(base + k, (v) => t.feedback(v));
  }
  const fm = el("div", "fm", s);
  const fader = new UI.Slider(fm, { law: UI.faderLaw, def: 0, vertical: true, scale: true,
    addr: faderAddr(n), onChange: (v) => set(fader.o.addr, v) });
  app.faders.push({ n, slider: fader });
  bind(base + "fader", (v) => { if (fader.o.addr === base + "fader") fader.feedback(v); });
  for (const snd of app.sends) {
    const a = `${base}send/${snd}/level`;
    bind(a, (v) => { if (fader.o.addr === a) fader.feedback(v); });
  }
  meterEl(fm, "strip/" + n, true);
}

// The faders become the chosen bus's sends (or the main mix again).
function chooseMix(mix) {
  app.mix = mix;
  document.body.classList.toggle("sendmode", !!mix);
  for (const { n, slider } of app.faders) {
    slider.o.addr = faderAddr(n);
    slider.o.def = mix ? -144 : 0;
    slider.el.dataset.addr = slider.o.addr;
    const v = app.values.get(slider.o.addr);
    slider.set(v === undefined ? slider.o.def : v);
  }
  masterFaderTo(mix);
}

// ---- master ----

let masterFader = null;

function busLevelAddr(mix) {
  for (const a of [`/bus/${mix}/return`, `/bus/${mix}/fader`, `/bus/${mix}/level`, `/${mix}/fader`])
    if (app.params.has(a)) return a;
  return null;
}

function masterFaderTo(mix) {
  const a = (mix && busLevelAddr(mix)) || "/master/fader";
  masterFader.o.addr = a;
  masterFader.el.dataset.addr = a;
  document.getElementById("mastername").textContent = a === "/master/fader" ? "Master"
    : app.values.get(`/${mix}/name`) || mix.replace("/", " ");
  const v = app.values.get(a);
  masterFader.set(v === undefined ? 0 : v);
}

function buildMaster(parent) {
  const s = el("div", "strip master", parent);
  const name = el("button", "name", s, "Master");
  name.id = "mastername";
  name.addEventListener("click", () => openPanel("/master", "Master"));
  const gr = el("div", "grs", s);
  for (const [k, lab] of [["lim", "LIM"], ["glue", "GLUE"]]) {
    const row = el("div", "grrow", gr);
    el("span", "", row, lab);
    const bar = el("div", "grbar", row);
    const fill = el("div", "", bar);
    fill.id = "gr-" + k;
    el("span", "grv", row, "0.0").id = "grv-" + k;
  }
  const btns = el("div", "btns", s);
  if (app.params.has("/master/mute")) {
    const t = new UI.Toggle(btns, "M", "mute", "/master/mute", (v) => set("/master/mute", v));
    bind("/master/mute", (v) => t.feedback(v));
  }
  if (app.params.has("/master/limiter/on")) {
    const t = new UI.Toggle(btns, "LIM", "lim", "/master/limiter/on", (v) => set("/master/limiter/on", v));
    bind("/master/limiter/on", (v) => t.feedback(v));
  }
  const fm = el("div", "fm", s);
  masterFader = new UI.Slider(fm, { law: UI.faderLaw, def: 0, vertical: true, scale: true,
    addr: "/master/fader", onChange: (v) => set(masterFader.o.addr, v) });
  const follow = (a) => bind(a, (v) => { if (masterFader.o.addr === a) masterFader.feedback(v); });
  follow("/master/fader");
  for (const snd of app.sends) { const a = busLevelAddr(snd); if (a) follow(a); }
  meterEl(fm, "master/L", false);
  meterEl(fm, "master/R", false);
  el("div", "tp", s).id = "tp";
}

function masterIn(a) {
  meterIn("master/L", a[0], a[0]);
  meterIn("master/R", a[1], a[1]);
  app.masterDyn = a;
}

function loudnessIn(a) {
  app.loudness = a;
}

const fmtL = (v) => (v <= -144 ? "--" : v.toFixed(1));

function drawMasterText() {
  const d = app.masterDyn, l = app.loudness;
  if (d) {
    document.getElementById("gr-lim").style.transform = `scaleX(${Math.min(1, d[3] / 12)})`;
    document.getElementById("gr-glue").style.transform = `scaleX(${Math.min(1, d[4] / 12)})`;
    document.getElementById("grv-lim").textContent = d[3].toFixed(1);
    document.getElementById("grv-glue").textContent = d[4].toFixed(1);
    document.getElementById("tp").textContent = "TP " + fmtL(d[2]);
  }
  if (l) {
    const box = document.getElementById("loud");
    box.querySelector(".m").textContent = fmtL(l[0]);
    box.querySelector(".s").textContent = fmtL(l[1]);
    box.querySelector(".i").textContent = fmtL(l[2]);
    box.querySelector(".lra").textContent = l[3].toFixed(1);
    box.querySelector(".tpk").textContent = fmtL(l[4]);
    box.querySelector(".tgt").textContent = l[5].toFixed(0);
    const dist = box.querySelector(".dist");
    dist.textContent = l[6] <= -144 ? "" : (l[6] > 0 ? "+" : "") + l[6].toFixed(1) + " LU";
    dist.className = "dist " + (l[6] <= -144 ? "" : Math.abs(l[6]) <= 1 ? "ok" : l[6] > 0 ? "hot" : "low");
  }
}

// ---- panels: every parameter under a prefix, generated from the tree ----

function openPanel(prefix, title) {
  const panel = document.getElementById("panel"), body = panel.querySelector(".body");
  panel.querySelector(".title").textContent = title;
  body.textContent = "";
  const unbinders = [];
  const bindP = (addr, fn) => { bind(addr, fn); unbinders.push([addr, fn]); };
  if (prefix.startsWith("/strip/") && app.params.has(prefix + "/eq/on")) {
    const c = el("canvas", "eqbig", body);
    const draw = () => EQ.draw(c, (k) => app.values.get(prefix + "/" + k));
    for (const addr of app.params.keys())
      if (addr.startsWith(prefix + "/eq/") || addr.startsWith(prefix + "/hpf/")) bindP(addr, () => requestAnimationFrame(draw));
  }
  // one group per first segment (hpf, eq, comp, send, ...), its direct parameters first (the
  // tree's order cannot be trusted for that: JSON objects list numeric keys first)
  const groups = new Map();
  for (const [addr, p] of app.params) {
    if (!addr.startsWith(prefix + "/")) continue;
    const rel = addr.slice(prefix.length + 1), cut = rel.indexOf("/");
    const g = cut < 0 ? "" : rel.slice(0, cut);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push([addr, p, cut < 0 ? rel : rel.slice(cut + 1)]);
  }
  for (const [g, rows] of groups) {
    const group = el("fieldset", "grp", body);
    el("legend", "", group, g || prefix.slice(1).replace("/", " "));
    const depth = (r) => r[2].split("/").length;
    rows.sort((a, b) => depth(a) - depth(b));
    for (const [addr, p, label] of rows) addRow(group, addr, p, label, bindP);
  }
  panel.hidden = false;
  panel.querySelector(".close").onclick = () => {
    panel.hidden = true;
    for (const [addr, fn] of unbinders) {
      const l = app.binds.get(addr), i = l.indexOf(fn);
      if (i >= 0) l.splice(i, 1);
    }
  };
}

// One parameter's row in a panel: a control chosen from its type and range.
function addRow(group, addr, p, label, bindP) {
  {
    const row = el("label", "row", group);
    row.title = p.desc;
    el("span", "pl", row, label);
    if (p.type === "s" && p.vals) {
      const sel = el("select", "", row);
      sel.dataset.addr = addr;
      for (const v of p.vals) el("option", "", sel, v).value = v;
      sel.addEventListener("change", () => set(addr, sel.value));
      bindP(addr, (v) => { sel.value = v; });
    } else if (p.type === "s") {
      const inp = el("input", "", row);
      inp.maxLength = 32;
      inp.dataset.addr = addr;
      inp.addEventListener("change", () => set(addr, inp.value));
      bindP(addr, (v) => { if (document.activeElement !== inp) inp.value = v; });
    } else if (p.type === "i" && p.min === 0 && p.max === 1) {
      const t = new UI.Toggle(row, "", "sw", addr, (v) => set(addr, v));
      bindP(addr, (v) => t.feedback(v));
    } else if (p.vals) {
      const sel = el("select", "", row);
      for (const v of p.vals) el("option", "", sel, String(v)).value = v;
      sel.addEventListener("change", () => set(addr, Number(sel.value)));
      bindP(addr, (v) => { sel.value = String(v); });
    } else {
      const sl = new UI.Slider(row, { law: lawOf(p), def: app.values.get(addr), addr,
        format: fmtOf(p), onChange: (v) => set(addr, p.type === "i" ? Math.round(v) : v) });
      bindP(addr, (v) => sl.feedback(v));
    }
  }
}

// ---- scenes ----

function openScenes() {
  const dlg = document.getElementById("scenes");
  dlg.hidden = false;
  dlg.querySelector(".list").textContent = "";
  sendNow("/scene/list", []);
}

function sceneListed(name) {
  const b = el("button", "scene", document.querySelector("#scenes .list"), name);
  b.addEventListener("click", () => { sendNow("/scene/load", [{ t: "s", v: name }]); toast("Loading " + name); });
}

function toast(text) {
  const t = document.getElementById("toast");
  t.textContent = text;
  t.classList.add("show");
  clearTimeout(t.timer);
  t.timer = setTimeout(() => t.classList.remove("show"), 2500);
}

// ---- the socket ----

function received(msg) {
  const a = msg.address, v = msg.args;
  if (a.startsWith("/meter/strip/")) meterIn("strip/" + a.slice(13), v[0], v[1], v[2]);
  else if (a === "/meter/master") masterIn(v);
  else if (a === "/loudness") loudnessIn(v);
  else if (a === "/scene/list") sceneListed(v[0]);
  else if (a === "/scene/save") { toast("Saved " + v[0]); openScenes(); }
  else if (a === "/error") toast(v[0] + ": " + v[1]);
  else if (app.params.has(a) && v.length === 1) changed(a, v[0]);
}

let retry = 500;

function connect() {
  const ws = new WebSocket(`ws://${location.host}/`);
  ws.binaryType = "arraybuffer";
  app.ws = ws;
  ws.onopen = () => {
    retry = 500;
    document.body.classList.remove("offline");
    sendNow("/subscribe", [{ t: "s", v: "/" }, { t: "i", v: 30 }]);
  };
  ws.onmessage = (e) => {
    if (typeof e.data === "string") return;
    try { for (const m of OSC.decode(e.data)) received(m); } catch (err) { console.warn(err); }
  };
  ws.onclose = () => {
    document.body.classList.add("offline");
    app.ws = null;
    setTimeout(connect, retry);
    retry = Math.min(5000, retry * 2);
  };
}

// ---- start ----

function frame(now) {
  flush();
  if (now - app.lastDraw >= REDRAW_MS - 2) {
    app.lastDraw = now;
    drawMeters(now);
    drawMasterText();
    for (const f of app.eqs) f();
  }
  requestAnimationFrame(frame);
}

async function start() {
  app.eqs = [];
  app.lastDraw = 0;
  const tree = await (await fetch("/", { headers: { Accept: "application/json" } })).json();
  discover(tree);
  const row = document.getElementById("strips");
  for (const n of app.strips) buildStrip(row, n);
  buildMaster(document.getElementById("mastersec"));
  const sel = document.getElementById("mix");
  for (const s of app.sends) {
    const opt = el("option", "", sel, s.replace("/", " "));
    opt.value = s;
    busName(s, (v) => { opt.textContent = v; });
  }
  sel.addEventListener("change", () => chooseMix(sel.value));
  document.getElementById("scenesbtn").addEventListener("click", openScenes);
  document.querySelector("#scenes .close").addEventListener("click", () => { document.getElementById("scenes").hidden = true; });
  document.querySelector("#scenes form").addEventListener("submit", (e) => {
    e.preventDefault();
    const name = e.target.elements.name.value.trim();
    if (name) sendNow("/scene/save", [{ t: "s", v: name }]);
  });
  setInterval(() => sendNow("/subscribe", [{ t: "s", v: "/" }, { t: "i", v: 30 }]), 4000);
  connect();
  requestAnimationFrame(frame);
  document.body.classList.add("ready");
}

start().catch((e) => { document.body.classList.add("offline"); toast("Cannot load the console: " + e); });
