// SPDX-License-Identifier: GPL-2.0-or-later
// ui.js: the page's touch controls. Pointer events throughout, each control capturing its own
// pointer, so any number of fingers move any number of faders at once. Drags are relative (a
// touch never makes a fader jump to the finger); a double tap returns a control to its default.
"use strict";

const UI = (() => {
  // The console fader law (the X32's): 0 dB at 3/4 of the travel, +10 dB at the top, four
  // straight segments below, -inf at the bottom. Position 0..1 <-> dB.
  const faderLaw = {
    toPos(db) {
      if (db <= -144) return 0;
      if (db >= -10) return Math.min(1, (db + 30) / 40);
      if (db >= -30) return (db + 50) / 80;
      if (db >= -60) return (db + 70) / 160;
      return Math.max(0, (db + 90) / 480);
    },
    fromPos(p) {
      if (p <= 0.0005) return -144;
      if (p >= 0.5) return 40 * p - 30;
      if (p >= 0.25) return 80 * p - 50;
      if (p >= 0.0625) return 160 * p - 70;
      return 480 * p - 90;
    },
  };
  const linLaw = (min, max) => ({
    toPos: (v) => (v - min) / (max - min),
    fromPos: (p) => min + p * (max - min),
  });
  const logLaw = (min, max) => ({
    toPos: (v) => Math.log(v / min) / Math.log(max / min),
    fromPos: (p) => min * Math.pow(max / min, p),
  });

  function el(tag, cls, parent, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function fmtDb(v) {
    if (v <= -144) return "-\u221e";
    return (v > 0 ? "+" : "") + v.toFixed(Math.abs(v) < 10 ? 1 : 0);
  }

  // A slider: vertical (a fader) or horizontal. o: {law, def, onChange, vertical, label,
  // format, addr}. The element's data-addr names the address it drives and data-value the
  // value it shows (what the browser test reads).
  class Slider {
    constructor(parent, o) {
      this.o = o;
      this.value = o.def;
      this.el = el("div", o.vertical ? "fader" : "hslider", parent);
      if (o.cls) this.el.classList.add(o.cls);
      this.el.dataset.addr = o.addr || "";
      // the rail is the travel: track, scale and the cap's centre share it exactly
      this.rail = el("div", "rail", this.el);
      this.track = el("div", "track", this.rail);
      this.fill = el("div", "fill", this.track);
      this.cap = el("div", "cap", this.rail);
      if (o.label) this.lab = el("div", "lab", this.el, o.label);
      if (o.vertical && o.scale) {
        const sc = el("div", "scale", this.rail);
        for (const db of [10, 5, 0, -5, -10, -20, -30, -40, -60]) {
          const m = el("div", "mark", sc, db > 0 ? "+" + db : String(db));
          m.style.bottom = (o.law.toPos(db) * 100) + "%";
        }
      }
      this.readout = el("div", "readout", this.el);
      this.drag = null;
      this.lastTap = 0;
      this.el.addEventListener("pointerdown", (e) => this.down(e));
      this.el.addEventListener("pointermove", (e) => this.move(e));
      this.el.addEventListener("pointerup", (e) => this.up(e));
      this.el.addEventListener("pointercancel", (e) => this.up(e));
      this.el.addEventListener("lostpointercapture", (e) => this.up(e));
      this.set(o.def);
    }
    get dragging() { return this.drag !== null; }
    length() {
      const r = this.track.getBoundingClientRect();
      return Math.max(40, this.o.vertical ? r.height : r.width);
    }
    down(e) {
      if (this.drag) return; // one finger per control; other fingers take other controls
      e.preventDefault();
      this.el.setPointerCapture(e.pointerId);
      const now = performance.now();
      if (now - this.lastTap < 300) {
        this.lastTap = 0;
        this.setAndSend(this.o.def);
        return;
      }
      this.lastTap = now;
      this.drag = { id: e.pointerId, at: this.o.vertical ? e.clientY : e.clientX,
        pos: this.o.law.toPos(this.value), fine: e.shiftKey };
      this.el.classList.add("active");
    }
    move(e) {
      if (!this.drag || e.pointerId !== this.drag.id) return;
      const now = this.o.vertical ? e.clientY : e.clientX;
      const d = (this.o.vertical ? this.drag.at - now : now - this.drag.at) / this.length();
      const p = Math.max(0, Math.min(1, this.drag.pos + d * (this.drag.fine ? 0.25 : 1)));
      this.setAndSend(this.o.law.fromPos(p));
    }
    up(e) {
      if (!this.drag || e.pointerId !== this.drag.id) return;
      this.drag = null;
      this.el.classList.remove("active");
    }
    setAndSend(v) {
      this.set(v);
      this.o.onChange(this.value);
    }
    // Shows v (from the console or a drag).
    set(v) {
      if (typeof v !== "number" || !isFinite(v)) return;
      this.value = v;
      const p = Math.max(0, Math.min(1, this.o.law.toPos(v)));
      if (this.o.vertical) {
        this.cap.style.bottom = `calc(${p * 100}% - 14px)`; /* half the cap's height */
        this.fill.style.height = (p * 100) + "%";
      } else {
        this.cap.style.left = `calc(${p * 100}% - 8px)`;
        this.fill.style.width = (p * 100) + "%";
      }
      this.readout.textContent = (this.o.format || fmtDb)(v);
      this.el.dataset.value = String(v);
    }
    // A value from the console: ignored while a finger holds the control (no fighting).
    feedback(v) { if (!this.drag) this.set(v); }
  }

  // A toggle button for a 0/1 parameter.
  class Toggle {
    constructor(parent, label, cls, addr, onChange) {
      this.el = el("button", "tog " + cls, parent, label);
      this.el.dataset.addr = addr;
      this.value = 0;
      // a click, not a press: a finger that scrolls the strips across a button does not
      // switch it
      this.el.addEventListener("click", (e) => {
        e.preventDefault();
        this.set(this.value ? 0 : 1);
        onChange(this.value);
      });
    }
    set(v) {
      this.value = v ? 1 : 0;
      this.el.classList.toggle("on", !!this.value);
      if (this.el.classList.contains("sw")) this.el.textContent = this.value ? "on" : "off";
      this.el.dataset.value = String(this.value);
    }
    feedback(v) { this.set(v); }
  }

  return { faderLaw, linLaw, logLaw, el, fmtDb, Slider, Toggle };
})();
