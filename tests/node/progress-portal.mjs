// A portal's live-progress code, driven line by line from the .NET tests (tests/AgentFactory.Functions.Tests/Progress).
// It uses the official @azure/web-pubsub-client exactly as a browser portal would, against the URL that
// GET /api/platform/factory/agents/{id}/negotiate returns, and keeps each event once and in order by its sequence
// number: an event at or below the last one is a duplicate, one past a gap first reads the gap from the event log
// (GET …/events?after=N), and every (re)connection reads what it may have missed.
//
//   node progress-portal.mjs BASE_URL KEY DEPLOYMENT_ID [reliable|json]
// Commands on stdin: start | stop | join GROUP | send GROUP | connect URL | summary | exit. Answers: JSON lines on stdout.
import { WebPubSubClient, WebPubSubJsonProtocol, WebPubSubJsonReliableProtocol } from "@azure/web-pubsub-client";
import readline from "node:readline";

const [base, key, deployment, protocolName = "reliable"] = process.argv.slice(2);
const group = `deployment-${deployment}`;
const say = (o) => process.stdout.write(JSON.stringify(o) + "\n");

async function negotiate() {
  const response = await fetch(`${base}/api/platform/factory/agents/${encodeURIComponent(deployment)}/negotiate`, { headers: { "x-functions-key": key } });
  if (!response.ok) {
    say({ type: "negotiateFailed", status: response.status });
    throw new Error(`negotiate answered ${response.status}`);
  }
  return (await response.json()).url;
}

let last = 0;
const accepted = [];
const liveSeen = new Map(); // sequence -> times delivered by the hub
let duplicates = 0;
let work = Promise.resolve();
const serially = (f) => (work = work.then(f).catch((e) => say({ type: "error", message: String(e) })));

function accept(e, source) {
  last = e.sequence;
  accepted.push({ sequence: e.sequence, source });
  say({ type: "event", sequence: e.sequence, eventType: e.type, source });
}

async function catchUp() {
  for (;;) {
    const response = await fetch(`${base}/api/platform/factory/agents/${encodeURIComponent(deployment)}/events?after=${last}&max=1000`,
      { headers: { "x-functions-key": key } });
    if (!response.ok) throw new Error(`events answered ${response.status}`);
    const page = (await response.json()).events;
    for (const e of page) if (e.sequence === last + 1) accept(e, "log");
    if (page.length < 1000) return;
  }
}

async function onLive(e) {
  if (e.sequence <= last) { duplicates++; return; }
  if (e.sequence > last + 1) await catchUp();
  if (e.sequence === last + 1) accept(e, "live"); else duplicates++;
}

const protocol = protocolName === "json" ? WebPubSubJsonProtocol() : WebPubSubJsonReliableProtocol();
const client = new WebPubSubClient({ getClientAccessUrl: negotiate }, {
  protocol,
  reconnectRetryOptions: { maxRetries: 50, retryDelayInMs: 200, mode: "Fixed" },
});
client.on("connected", (e) => { say({ type: "connected", connectionId: e.connectionId, userId: e.userId }); serially(catchUp); });
client.on("disconnected", (e) => say({ type: "disconnected", message: e.message?.message }));
client.on("stopped", () => say({ type: "stopped" }));
client.on("group-message", (e) => {
  const data = e.message.data;
  liveSeen.set(data.sequence, (liveSeen.get(data.sequence) ?? 0) + 1);
  serially(() => onLive(data));
});

const commands = readline.createInterface({ input: process.stdin });
for await (const line of commands) {
  const [command, argument] = line.trim().split(/\s+/, 2);
  try {
    switch (command) {
      case "start":
        await client.start();
        await client.joinGroup(group);
        await serially(catchUp);
        say({ type: "joined", last });
        break;
      case "stop":
        await client.stop();
        break;
      case "join":
        try { await client.joinGroup(argument); say({ type: "joinResult", ok: true }); }
        catch (e) { say({ type: "joinResult", ok: false, error: e.errorDetail?.name ?? String(e) }); }
        break;
      case "send":
        try { await client.sendToGroup(argument, { hello: 1 }, "json"); say({ type: "sendResult", ok: true }); }
        catch (e) { say({ type: "sendResult", ok: false, error: e.errorDetail?.name ?? String(e) }); }
        break;
      case "connect": {
        const other = new WebPubSubClient(argument, { autoReconnect: false });
        try { await other.start(); say({ type: "connectResult", ok: true }); await other.stop(); }
        catch (e) { say({ type: "connectResult", ok: false, error: String(e) }); }
        break;
      }
      case "summary":
        await work;
        say({ type: "summary", last, duplicates, accepted, liveTwice: [...liveSeen].filter(([, n]) => n > 1).map(([s]) => s) });
        break;
      case "exit":
        process.exit(0);
    }
  } catch (e) {
    say({ type: "error", command, message: String(e) });
  }
}
