// Live progress of one deployment: negotiate, connect with the official Web PubSub client (reliable protocol), join the
// deployment's group, and keep each event exactly once and in order by its sequence number. The event log is the
// truth: a gap is read from GET …/events?after=N before the message that revealed it, and every (re)connection reads
// what happened while away (after joining, so nothing falls between). See src/AgentFactory.Functions/Progress/README.md.
import { WebPubSubClient, WebPubSubJsonReliableProtocol } from "../vendor/web-pubsub-client.js";
import { factory, get } from "./api.js";

const pageSize = 1000;

export class ProgressFeed {
  /** onEvent(event) for each kept event, in order; onState("connecting" | "live" | "reconnecting" | "stopped"). */
  constructor(deploymentId, { onEvent, onState, after = 0 }) {
    this.deploymentId = deploymentId;
    this.last = after;
    this.onEvent = onEvent;
    this.onState = onState ?? (() => {});
    this.work = Promise.resolve();
    this.client = null;
  }

  get base() { return `${factory}/agents/${encodeURIComponent(this.deploymentId)}`; }

  // One thing at a time, so a catch-up and a live message never interleave.
  serially(task) {
    this.work = this.work.then(task).catch((e) => console.warn("progress:", e));
    return this.work;
  }

  async catchUp() {
    for (;;) {
      const page = await get(`${this.base}/events?after=${this.last}&max=${pageSize}`);
      for (const e of page.events) this.keep(e);
      if (page.events.length < pageSize) return;
    }
  }

  keep(e) {
    if (e.sequence !== this.last + 1) return;
    this.last = e.sequence;
    this.onEvent(e);
  }

  async onLive(e) {
    if (e.sequence <= this.last) return; // a repeat
    if (e.sequence > this.last + 1) await this.catchUp(); // a gap: the log first
    this.keep(e);
  }

  async start() {
    this.onState("connecting");
    const negotiate = async () => (await get(`${this.base}/negotiate`)).url;
    this.client = new WebPubSubClient({ getClientAccessUrl: negotiate }, {
      protocol: WebPubSubJsonReliableProtocol(),
      reconnectRetryOptions: { maxRetries: 1000, retryDelayInMs: 500, mode: "Fixed" },
    });
    this.client.on("connected", () => { this.onState("live"); this.serially(() => this.catchUp()); });
    this.client.on("disconnected", () => this.onState("reconnecting"));
    this.client.on("stopped", () => this.onState("stopped"));
    this.client.on("group-message", (m) => this.serially(() => this.onLive(m.message.data)));
    await this.client.start();
    await this.client.joinGroup(`deployment-${this.deploymentId}`);
    await this.serially(() => this.catchUp());
  }

  stop() {
    this.client?.stop();
    this.client = null;
  }
}
