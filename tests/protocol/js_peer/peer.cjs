// SMSAPI's official JavaScript client (npm "smsapi", unchanged) against the sandbox: each call's
// outcome as one JSON line, for tests/protocol/test_js_peer.py to hold against the sandbox's state.
// Usage: node peer.cjs SANDBOX_URL  (NODE_PATH points at the folder the package was installed in)
"use strict";
const { SMSAPI } = require("smsapi");

const url = process.argv[2].replace(/\/$/, "");
const out = (call, ok, value) => process.stdout.write(JSON.stringify({ call, ok, value }) + "\n");

function describe(error) {
  const seen = {};
  for (const key of Object.getOwnPropertyNames(error)) {
    if (key !== "stack") seen[key] = error[key];
  }
  return seen;
}

async function step(call, action) {
  try {
    const value = (await action()) ?? null;
    out(call, true, value);
    return value;
  } catch (error) {
    out(call, false, describe(error));
    return null;
  }
}

async function raw(method, path, body, token = "demo-token") {
  const answer = await fetch(url + path, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/x-www-form-urlencoded" },
    body: body ? new URLSearchParams(body).toString() : undefined,
  });
  return { status: answer.status, body: await answer.json() };
}

async function main() {
  const api = new SMSAPI("demo-token", url);
  await step("profile", () => api.profile.get());
  await step("sendernames.get", () => api.sendernames.get());
  await step("sendernames.getBySender", () => api.sendernames.getBySender("DemoSerwis"));
  await step("sendernames.create", () => api.sendernames.create("JsPeer"));
  await step("sendernames.create.duplicate", () => api.sendernames.create("JsPeer"));
  await step("sendernames.create.invalid", () => api.sendernames.create("Zażółć gęślą"));
  await step("sendernames.makeDefault.inactive", () => api.sendernames.makeDefault("JsPeer"));
  await step("approve", () => raw("POST", "/__sandbox/senders/JsPeer/approve"));
  await step("sendernames.makeDefault", () => api.sendernames.makeDefault("JsPeer"));
  await step("sendernames.getBySender.after", () => api.sendernames.getBySender("JsPeer"));
  await step("sendernames.makeDefault.back", () => api.sendernames.makeDefault("DemoSerwis"));
  await step("sendernames.remove", () => api.sendernames.remove("JsPeer"));

  await step("sms.test", () => api.sms.sendSms("48500000010", "JS test", { from: "ECO", test: true }));
  const eco = await step("sms.eco", () => api.sms.sendSms("48500000011", "JS eco", { from: "ECO" }));
  await step("sms.name", () => api.sms.sendSms("48500000012", "JS own name", { from: "DemoSerwis" }));
  await step("sms.two", () => api.sms.sendSms(["48500000013", "48500000014"], "JS two", { from: "ECO" }));
  await step("sms.polish", () => api.sms.sendSms("48500000015", "Zażółć gęślą jaźń", { from: "ECO" }));
  await step("sms.idx.first", () => api.sms.sendSms("48500000016", "JS idx", { from: "ECO", idx: "js-peer-1", checkIdx: true }));
  await step("sms.idx.again", () => api.sms.sendSms("48500000016", "JS idx", { from: "ECO", idx: "js-peer-1", checkIdx: true }));

  await step("refuse.11", () => api.sms.sendSms("48500000017", "", { from: "ECO" }));
  await step("refuse.13", () => api.sms.sendSms("12", "JS bad number", { from: "ECO" }));
  await step("refuse.14", () => api.sms.sendSms("48500000018", "JS bad sender", { from: "NieMaTakiej" }));
  await step("refuse.32", () => api.sms.sendSms("447911123456", "JS foreign eco", { from: "ECO" }));
  await step("refuse.101", () => new SMSAPI("zly-token", url).profile.get());
  await step("refuse.105", () => new SMSAPI("filtr-token", url).profile.get());
  await step("refuse.103", () => new SMSAPI("pusty-token", url).sms.sendSms("48500000019", "JS no points", { from: "ECO" }));
  await step("refuse.98", () => new SMSAPI("nowy-token", url).sms.sendSms("48500000020", "JS not activated", { from: "ECO" }));

  // What the client has no call for, through its own HTTP (fetch) with the same token.
  await step("status", () => raw("POST", "/sms.do", { status: eco ? eco.list[0].id : "none", format: "json" }));
  await step("ping", () => raw("GET", "/ping"));
  await step("prices", () => raw("GET", "/profile/prices?type=sms"));
}

main().catch((error) => {
  out("crash", false, describe(error));
  process.exitCode = 1;
});
