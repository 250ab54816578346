// SPDX-License-Identifier: GPL-2.0-or-later
// The browser test of mixd's page: Debian's Chromium, headless, driven by playwright-core,
// against a running mixd (started by tests/test_e2e_browser.c with a tone on strip 1).
//
//   MIXD_HTTP_PORT, MIXD_OSC_PORT   the console's ports on 127.0.0.1
//   CHROMIUM                        the browser (default /usr/bin/chromium)
//   ARTEFACT_DIR                    where the screenshots go
//   MIXD_WEB_DIR                    the page's sources (for the OSC codec this script reuses)
//
// Each check prints "ok - ..." or throws; the exit status is 0 only when all passed.
import { chromium } from "playwright-core";
import dgram from "node:dgram";
import fs from "node:fs";
import path from "node:path";

const httpPort = Number(process.env.MIXD_HTTP_PORT), oscPort = Number(process.env.MIXD_OSC_PORT);
const artefacts = process.env.ARTEFACT_DIR || ".";
const base = `http://127.0.0.1:${httpPort}`;
// the page's own codec, so this test speaks OSC exactly as the page does
const OSC = new Function(fs.readFileSync(path.join(process.env.MIXD_WEB_DIR, "osc.js"), "utf8") + "\nreturn OSC;")();

function fail(msg) { throw new Error(msg); }
function ok(msg) { console.log("ok - " + msg); }

// ---- OSC over UDP, as any other surface ----
const udp = dgram.createSocket("udp4");
await new Promise((r) => udp.bind(0, "127.0.0.1", r));
const inbox = [];
udp.on("message", (buf) => { for (const m of OSC.decode(buf)) inbox.push(m); });

function udpSend(address, args = []) { udp.send(OSC.encode(address, args), oscPort, "127.0.0.1"); }

async function udpGet(address) {
  inbox.length = 0;
  udpSend(address);
  for (let i = 0; i < 200; i++) {
    const m = inbox.find((x) => x.address === address || (x.address === "/error" && x.args[0] === address));
    if (m) { if (m.address === "/error") fail(`get ${address}: ${m.args[1]}`); return m.args[0]; }
    await new Promise((r) => setTimeout(r, 10));
  }
  fail(`no reply to get ${address}`);
}

// Polls fn until it returns a truthy value or ms pass.
async function until(what, fn, ms = 5000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  // root in a container: Chromium's sandbox needs user namespaces it may not have here
  args: ["--no-sandbox"],
});
const errors = [];

async function open(name, viewport, mobile) {
  const ctx = await browser.newContext({ viewport, hasTouch: true, isMobile: mobile, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  page.on("pageerror", (e) => errors.push(`${name}: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") errors.push(`${name}: ${m.text()}`); });
  await page.goto(base + "/ui/");
  await page.waitForSelector("body.ready:not(.offline)", { timeout: 10000 });
  return page;
}

const attr = (page, sel, name) => page.$eval(sel, (e, n) => e.dataset[n], name);
const fader = (n) => `.strip[data-strip="${n}"] .fader`;

try {
  const tab = await open("tablet", { width: 1024, height: 768 }, false);
  ok("the page loads and connects (tablet)");

  // meters move while the tone plays on strip 1; strip 2 is silent
  const peak = Number(await until("strip 1's meter to show the tone", async () => {
    const v = Number(await attr(tab, '[data-meter="strip/1"]', "peak"));
    return v > -30 ? v : 0;
  }));
  if (!(peak > -14 && peak < -10)) fail(`strip 1 meter reads ${peak} dBFS for a -12 dBFS tone`);
  const quiet = Number(await attr(tab, '[data-meter="strip/2"]', "peak"));
  if (!(quiet < -100)) fail(`silent strip 2 meter reads ${quiet}`);
  ok(`meters move: strip 1 reads ${peak} dBFS (tone -12 dBFS), strip 2 ${quiet}`);

  // the meters are redrawn at up to 30 Hz, and keep up: count redraws over 2 s
  const draws = await tab.evaluate(() => new Promise((res) => {
    const st = app.meters.get("strip/1"), seen = [];
    const obs = new MutationObserver(() => seen.push(performance.now()));
    obs.observe(st.el, { attributes: true, attributeFilter: ["data-peak"] });
    setTimeout(() => { obs.disconnect(); res(seen.length); }, 2000);
  }));
  if (draws > 62) fail(`${draws} meter redraws in 2 s: more than 30 Hz`);
  if (draws < 30) fail(`${draws} meter redraws in 2 s with meters arriving at 30 Hz: falling behind`);
  ok(`meter redraws in 2 s: ${draws} (at most 60 allowed)`);

  // drag strip 1's fader down with a mouse: mixd follows
  const cap = await (await tab.$(fader(1) + " .cap")).boundingBox();
  await tab.mouse.move(cap.x + cap.width / 2, cap.y + cap.height / 2);
  await tab.mouse.down();
  for (let i = 1; i <= 10; i++) await tab.mouse.move(cap.x + cap.width / 2, cap.y + cap.height / 2 + i * 12);
  await tab.mouse.up();
  const shown = Number(await attr(tab, fader(1), "value"));
  if (!(shown < -3)) fail(`strip 1's fader shows ${shown} dB after dragging it down`);
  const got = await until("mixd's /strip/1/fader to follow", async () => {
    const v = await udpGet("/strip/1/fader");
    return Math.abs(v - shown) < 1e-3 ? v : 0;
  });
  ok(`fader drag: the page shows ${shown.toFixed(3)} dB, mixd has ${got.toFixed(3)} dB`);

  // two fingers move two faders at once (touch events through the DevTools protocol)
  const cdp = await tab.context().newCDPSession(tab);
  const c2 = await (await tab.$(fader(2) + " .cap")).boundingBox(), c3 = await (await tab.$(fader(3) + " .cap")).boundingBox();
  const pt = (c, dy, id) => ({ x: c.x + c.width / 2, y: c.y + c.height / 2 + dy, id });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [pt(c2, 0, 1), pt(c3, 0, 2)] });
  for (let i = 1; i <= 10; i++)
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [pt(c2, i * 10, 1), pt(c3, -i * 6, 2)] });
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  const v2 = Number(await attr(tab, fader(2), "value")), v3 = Number(await attr(tab, fader(3), "value"));
  if (!(v2 < -3 && v3 > 0.5)) fail(`two-finger move: strip 2 at ${v2}, strip 3 at ${v3}`);
  await until("mixd to follow both fingers", async () =>
    Math.abs(await udpGet("/strip/2/fader") - v2) < 1e-3 && Math.abs(await udpGet("/strip/3/fader") - v3) < 1e-3);
  ok(`two fingers at once: strip 2 down to ${v2.toFixed(2)} dB, strip 3 up to ${v3.toFixed(2)} dB, both in mixd`);

  // tap mute (a touch tap)
  const mute = await (await tab.$('button.mute[data-addr="/strip/1/mute"]')).boundingBox();
  await tab.touchscreen.tap(mute.x + mute.width / 2, mute.y + mute.height / 2);
  await until("mixd's /strip/1/mute to be 1", async () => (await udpGet("/strip/1/mute")) === 1);
  ok("a tap on M mutes strip 1 in mixd");

  // a change made over UDP moves the fader on the page (and on a second page)
  const phone = await open("phone", { width: 390, height: 844 }, true);
  udpSend("/strip/4/fader", [{ t: "f", v: -20 }]);
  for (const [name, page] of [["tablet", tab], ["phone", phone]])
    await until(`${name}'s strip 4 fader to move to -20`, async () => Number(await attr(page, fader(4), "value")) === -20);
  await until("the phone to see the tablet's mute", async () => (await attr(phone, 'button.mute[data-addr="/strip/1/mute"]', "value")) === "1");
  ok("a UDP fader move and the tablet's mute reach both pages");

  // the bus chooser turns the faders into that bus's sends
  const sends = await tab.$$eval("#mix option", (o) => o.map((x) => x.value).filter(Boolean));
  if (!sends.length) fail("the bus chooser offers no bus");
  await tab.selectOption("#mix", sends[0]);
  const sendAddr = `/strip/1/send/${sends[0]}/level`;
  if ((await attr(tab, fader(1), "addr")) !== sendAddr) fail(`strip 1's fader drives ${await attr(tab, fader(1), "addr")}, not ${sendAddr}`);
  const sc = await (await tab.$(fader(1) + " .cap")).boundingBox();
  await tab.mouse.move(sc.x + sc.width / 2, sc.y + sc.height / 2);
  await tab.mouse.down();
  for (let i = 1; i <= 10; i++) await tab.mouse.move(sc.x + sc.width / 2, sc.y + sc.height / 2 - i * 30);
  await tab.mouse.up();
  const sv = Number(await attr(tab, fader(1), "value"));
  await until(`mixd's ${sendAddr} to follow`, async () => sv > -144 && Math.abs(await udpGet(sendAddr) - sv) < 1e-3);
  if (Math.abs(await udpGet("/strip/1/fader") - got) > 1e-3) fail("moving the send moved the channel fader");
  ok(`bus chooser (${sends.join(", ")}): strip 1's fader drove ${sendAddr} to ${sv.toFixed(2)} dB`);
  await tab.selectOption("#mix", "");

  // the aux buses (mixd runs with --aux 8): the chooser lists them from mixd's own tree; choose
  // aux 2 and strip 3's fader is its send to the bus, the master fader the bus's own
  const auxes = sends.filter((x) => x.startsWith("aux/"));
  if (auxes.join() !== [1, 2, 3, 4, 5, 6, 7, 8].map((k) => `aux/${k}`).join())
    fail(`the bus chooser lists the aux buses ${auxes} (8 expected)`);
  // each by its name (/aux/K/name), renamed over UDP as anywhere else
  udpSend("/aux/2/name", [{ t: "s", v: "Drums IEM" }]);
  await until("the chooser to name aux 2 by its new name", async () =>
    (await tab.$eval('#mix option[value="aux/2"]', (o) => o.textContent)) === "Drums IEM");
  await tab.selectOption("#mix", "aux/2");
  if ((await tab.$eval("#mastername", (e) => e.textContent)) !== "Drums IEM") fail("the master strip does not name the chosen aux bus");
  const auxAddr = "/strip/3/send/aux/2/level";
  if ((await attr(tab, fader(3), "addr")) !== auxAddr) fail(`with aux 2 chosen, strip 3's fader drives ${await attr(tab, fader(3), "addr")}`);
  if ((await attr(tab, ".master .fader", "addr")) !== "/aux/2/fader") fail(`with aux 2 chosen, the master fader drives ${await attr(tab, ".master .fader", "addr")}`);
  const fader3 = await udpGet("/strip/3/fader");
  const ac = await (await tab.$(fader(3) + " .cap")).boundingBox();
  await tab.mouse.move(ac.x + ac.width / 2, ac.y + ac.height / 2);
  await tab.mouse.down();
  for (let i = 1; i <= 10; i++) await tab.mouse.move(ac.x + ac.width / 2, ac.y + ac.height / 2 - i * 30);
  await tab.mouse.up();
  const av = Number(await attr(tab, fader(3), "value"));
  if (!(av > -144)) fail(`strip 3's aux 2 send shows ${av} dB after dragging it up from off`);
  await until(`mixd's ${auxAddr} to follow`, async () => Math.abs(await udpGet(auxAddr) - av) < 1e-3);
  if (Math.abs(await udpGet("/strip/3/fader") - fader3) > 1e-3) fail("moving the aux send moved strip 3's channel fader");
  if ((await udpGet("/strip/3/send/aux/1/level")) > -144) fail("moving the aux 2 send moved the aux 1 send");
  ok(`aux 2 ("Drums IEM") chosen by name: strip 3's fader drove ${auxAddr} to ${av.toFixed(2)} dB in mixd, its channel fader stayed`);
  // a change of an aux send made over UDP moves the page's fader while that bus is chosen
  udpSend("/strip/4/send/aux/2/level", [{ t: "f", v: -6 }]);
  await until("strip 4's fader on the page to show its aux 2 send at -6 dB", async () => Number(await attr(tab, fader(4), "value")) === -6);
  ok("a UDP move of strip 4's aux 2 send moves strip 4's fader while aux 2 is chosen");
  await tab.selectOption("#mix", "");
  if ((await attr(tab, fader(4), "addr")) !== "/strip/4/fader") fail("the main mix did not take the faders back");

  // cue: a tap on strip 2's C cues it in mixd, a second tap clears it
  const cueSel = 'button.cue[data-addr="/strip/2/cue"]';
  if (!(await tab.$(cueSel))) fail("strip 2 has no cue button");
  const cue = await (await tab.$(cueSel)).boundingBox();
  await tab.touchscreen.tap(cue.x + cue.width / 2, cue.y + cue.height / 2);
  await until("mixd's /strip/2/cue to be 1", async () => (await udpGet("/strip/2/cue")) === 1);
  if ((await attr(tab, cueSel, "value")) !== "1") fail("strip 2's cue button is not lit");
  await tab.touchscreen.tap(cue.x + cue.width / 2, cue.y + cue.height / 2);
  await until("mixd's /strip/2/cue to be 0 again", async () => (await udpGet("/strip/2/cue")) === 0);
  ok("a tap on C cues strip 2 in mixd, a second tap clears it");

  // scenes: save from the page, then it is listed over UDP
  await tab.click("#scenesbtn");
  await tab.fill("#scenes input[name=name]", "fromweb");
  await tab.click("#scenes form button");
  await until("the scene to be saved", async () => {
    inbox.length = 0;
    udpSend("/scene/list");
    await new Promise((r) => setTimeout(r, 100));
    return inbox.some((m) => m.address === "/scene/list" && m.args[0] === "fromweb");
  });
  ok("a scene saved from the page is in /scene/list");
  // and loaded from it: strip 4 was at -20 dB when it was saved
  udpSend("/strip/4/fader", [{ t: "f", v: -30 }]);
  await until("the page to see -30", async () => Number(await attr(tab, fader(4), "value")) === -30);
  await tab.click('#scenes button.scene:text-is("fromweb")');
  await until("the scene to bring strip 4 back to -20 dB", async () => (await udpGet("/strip/4/fader")) === -20);
  await until("the page to follow the scene", async () => Number(await attr(tab, fader(4), "value")) === -20);
  await tab.click("#scenes .close");
  ok("loading it from the page brings strip 4 back, in mixd and on the page");

  // the generated parameter panel: an EQ band's gain set from it lands in mixd
  await tab.click('.strip[data-strip="2"] .name');
  await tab.waitForSelector("#panel:not([hidden]) .hslider[data-addr='/strip/2/eq/2/gain']");
  const g = await (await tab.$("#panel .hslider[data-addr='/strip/2/eq/2/gain'] .cap")).boundingBox();
  await tab.mouse.move(g.x + g.width / 2, g.y + g.height / 2);
  await tab.mouse.down();
  for (let i = 1; i <= 8; i++) await tab.mouse.move(g.x + g.width / 2 + i * 10, g.y + g.height / 2);
  await tab.mouse.up();
  await until("mixd's /strip/2/eq/2/gain to rise", async () => (await udpGet("/strip/2/eq/2/gain")) > 1);
  await tab.screenshot({ path: path.join(artefacts, "web-panel-tablet.png") });
  await tab.click("#panel .close");
  ok("the strip panel (made from the OSCQuery tree) sets an EQ band's gain");

  // for the pictures: strip 1 unmuted and compressing, so its meter shows level and GR
  udpSend("/strip/1/mute", [{ t: "i", v: 0 }]);
  udpSend("/strip/1/comp/threshold", [{ t: "f", v: -40 }]);
  udpSend("/strip/1/comp/on", [{ t: "i", v: 1 }]);
  await until("strip 1's meter to show gain reduction", async () =>
    tab.evaluate(() => app.meters.get("strip/1").v.gr > 3));
  ok("strip 1's meter shows the compressor's gain reduction");
  await tab.screenshot({ path: path.join(artefacts, "web-tablet.png") });
  await phone.screenshot({ path: path.join(artefacts, "web-phone.png") });
  ok(`screenshots in ${artefacts}`);
  if (errors.length) fail("errors in the page:\n" + errors.join("\n"));
  ok("no errors in the page's console");
} finally {
  await browser.close();
  udp.close();
}
