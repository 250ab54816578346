// SPDX-License-Identifier: GPL-2.0-or-later
// osc.js: the OSC 1.0 codec of mixd's page. Hand-written rather than the osc.js library: mixd
// speaks a small fixed subset (messages of i f s h d T F N b, and bundles), this is ~120 lines
// the suite exercises end to end through a real browser, and it keeps the page free of a
// vendored copy that would need tracking for updates.
"use strict";

const OSC = (() => {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const pad4 = (n) => (n + 3) & ~3;

  function strBytes(s) {
    const b = enc.encode(s);
    const out = new Uint8Array(pad4(b.length + 1));
    out.set(b);
    return out;
  }

  // Encodes one message. args: [{t: "f"|"i"|"s"|"h"|"d"|"T"|"F", v}] or plain values
  // (a number is sent as f, a string as s, a boolean as T/F).
  function encode(address, args = []) {
    const parts = [strBytes(address)];
    let tags = ",";
    const data = [];
    for (let a of args) {
      if (typeof a !== "object" || a === null) {
        a = typeof a === "string" ? { t: "s", v: a }
          : typeof a === "boolean" ? { t: a ? "T" : "F" } : { t: "f", v: a };
      }
      tags += a.t;
      if (a.t === "i" || a.t === "f") {
        const b = new DataView(new ArrayBuffer(4));
        if (a.t === "i") b.setInt32(0, a.v | 0); else b.setFloat32(0, a.v);
        data.push(new Uint8Array(b.buffer));
      } else if (a.t === "d" || a.t === "h") {
        const b = new DataView(new ArrayBuffer(8));
        if (a.t === "d") b.setFloat64(0, a.v); else b.setBigInt64(0, BigInt(a.v));
        data.push(new Uint8Array(b.buffer));
      } else if (a.t === "s") {
        data.push(strBytes(String(a.v)));
      }
    }
    parts.push(strBytes(tags), ...data);
    const len = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(len);
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }

  function readStr(u8, o) {
    let e = o;
    while (e < u8.length && u8[e] !== 0) e++;
    if (e >= u8.length) throw new Error("unterminated string");
    return [dec.decode(u8.subarray(o, e)), pad4(e + 1)];
  }

  function decodeMessage(u8, dv, out) {
    let [address, o] = readStr(u8, 0);
    let tags = ",";
    if (o < u8.length) [tags, o] = readStr(u8, o);
    const args = [];
    for (const t of tags.slice(1)) {
      switch (t) {
        case "i": args.push(dv.getInt32(o)); o += 4; break;
        case "f": args.push(dv.getFloat32(o)); o += 4; break;
        case "h": args.push(Number(dv.getBigInt64(o))); o += 8; break;
        case "d": args.push(dv.getFloat64(o)); o += 8; break;
        case "s": case "S": { let s; [s, o] = readStr(u8, o); args.push(s); break; }
        case "b": { const n = dv.getInt32(o); args.push(u8.slice(o + 4, o + 4 + n)); o = pad4(o + 4 + n); break; }
        case "T": args.push(true); break;
        case "F": args.push(false); break;
        case "N": args.push(null); break;
        default: throw new Error("unknown type tag " + t);
      }
    }
    out.push({ address, types: tags.slice(1), args });
  }

  // Decodes a packet (a message or a bundle, nested) into a list of messages.
  function decode(buf, out = []) {
    const u8 = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
    const dv = new DataView(u8.buffer, u8.byteOffset, u8.byteLength);
    if (u8.length >= 16 && dec.decode(u8.subarray(0, 8)) === "#bundle\0") {
      let o = 16;
      while (o + 4 <= u8.length) {
        const n = dv.getInt32(o);
        if (n < 0 || o + 4 + n > u8.length) throw new Error("bad bundle element");
        decode(u8.subarray(o + 4, o + 4 + n), out);
        o += 4 + n;
      }
      return out;
    }
    decodeMessage(u8, dv, out);
    return out;
  }

  return { encode, decode };
})();
