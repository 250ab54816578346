// SPDX-License-Identifier: GPL-2.0-or-later
// eq.js: the magnitude response of a strip's filters, drawn from its parameters: RBJ-cookbook
// bells and shelves (the shelf's frequency is its midpoint, its Q the slope) and the high-pass
// (12 dB/oct: one Butterworth section; 24: two), evaluated at 48 kHz.
"use strict";

const EQ = (() => {
  const FS = 48000;

  // [b0, b1, b2, a0, a1, a2] of one section.
  function coefs(type, f, gainDb, q) {
    const A = Math.pow(10, gainDb / 40), w = 2 * Math.PI * f / FS;
    const cs = Math.cos(w), al = Math.sin(w) / (2 * q), sa = 2 * Math.sqrt(A) * al;
    switch (type) {
      case "bell": return [1 + al * A, -2 * cs, 1 - al * A, 1 + al / A, -2 * cs, 1 - al / A];
      case "lowshelf": return [A * ((A + 1) - (A - 1) * cs + sa), 2 * A * ((A - 1) - (A + 1) * cs),
        A * ((A + 1) - (A - 1) * cs - sa), (A + 1) + (A - 1) * cs + sa,
        -2 * ((A - 1) + (A + 1) * cs), (A + 1) + (A - 1) * cs - sa];
      case "highshelf": return [A * ((A + 1) + (A - 1) * cs + sa), -2 * A * ((A - 1) + (A + 1) * cs),
        A * ((A + 1) + (A - 1) * cs - sa), (A + 1) - (A - 1) * cs + sa,
        2 * ((A - 1) - (A + 1) * cs), (A + 1) - (A - 1) * cs - sa];
      case "hpf": return [(1 + cs) / 2, -(1 + cs), (1 + cs) / 2, 1 + al, -2 * cs, 1 - al];
      default: return null;
    }
  }

  // |H| in dB of section c at frequency f.
  function magDb(c, f) {
    const w = 2 * Math.PI * f / FS, c1 = Math.cos(w), s1 = Math.sin(w);
    const c2 = Math.cos(2 * w), s2 = Math.sin(2 * w);
    const nr = c[0] + c[1] * c1 + c[2] * c2, ni = -(c[1] * s1 + c[2] * s2);
    const dr = c[3] + c[4] * c1 + c[5] * c2, di = -(c[4] * s1 + c[5] * s2);
    return 10 * Math.log10((nr * nr + ni * ni) / (dr * dr + di * di));
  }

  // The sections of a strip from its values: get(name) reads "/strip/N/" + name.
  function sections(get) {
    const out = [];
    if (get("hpf/on") === 1) {
      const c = coefs("hpf", get("hpf/freq"), 0, Math.SQRT1_2);
      out.push(c);
      if (get("hpf/slope") === 24) out.push(c);
    }
    if (get("eq/on") !== 0) {
      for (let b = 1; ; b++) {
        const type = get(`eq/${b}/type`);
        if (type === undefined) break;
        const c = coefs(type, get(`eq/${b}/freq`), get(`eq/${b}/gain`), get(`eq/${b}/q`));
        if (c) out.push(c);
      }
    }
    return out;
  }

  // Draws the curve into canvas (20 Hz .. 20 kHz, +-18 dB).
  function draw(canvas, get) {
    const dpr = window.devicePixelRatio || 1, w = canvas.clientWidth, h = canvas.clientHeight;
    if (!w || !h) return;
    if (canvas.width !== Math.round(w * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
    const g = canvas.getContext("2d"), secs = sections(get);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    g.strokeStyle = "rgba(255,255,255,0.12)";
    g.beginPath(); g.moveTo(0, h / 2); g.lineTo(w, h / 2); g.stroke();
    g.strokeStyle = "#6fd3ff"; g.lineWidth = 1.5;
    g.beginPath();
    for (let x = 0; x <= w; x++) {
      const f = 20 * Math.pow(1000, x / w);
      let db = 0;
      for (const c of secs) db += magDb(c, f);
      const y = h / 2 - Math.max(-18, Math.min(18, db)) / 18 * (h / 2 - 1);
      if (x === 0) g.moveTo(x, y); else g.lineTo(x, y);
    }
    g.stroke();
  }

  return { draw, sections, magDb };
})();
