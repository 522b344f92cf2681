// The operations console: a dashboard from GET /stats, the durable instances (Durable Functions' management API) with
// filters and paging by x-ms-continuation-token, and one instance's history timeline, custom status, input and output
// (secrets masked), with raise event, suspend, resume, terminate, restart and purge — each confirmed first.
import { call, durable, factory, get } from "./api.js";
import { $, $$, fill, formatTime, formatUsd, h } from "./dom.js";
import { keyGate } from "./keygate.js";
import { showJson } from "./mask.js";
import { renderTimeline } from "./timeline.js";

const state = { tokens: [""], page: 0, next: "", instances: [], selected: null, whoami: null };
const pct = (x) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(1)} %`);
const mins = (x) => (x === null || x === undefined ? "–" : `${x.toFixed(1)} min`);

function fail(e) { $("#ops-error").textContent = e?.message ?? String(e); }

// --- dashboard ------------------------------------------------------------------------------------------------------
async function loadDashboard() {
  const s = await get(`${factory}/stats`);
  const tile = (label, value, extra) => h("div", { class: "tile" }, h("span", {}, label), h("span", { class: "value" }, value), extra ?? null);
  const share = Object.entries(s.byTemplate ?? {}).sort((a, b) => b[1].count - a[1].count);
  const accuracy = s.meteredMonthlyUsd !== null && s.meteredMonthlyUsd !== undefined && s.estimatedMonthlyUsdOfSucceeded
    ? pct(s.meteredMonthlyUsd / s.estimatedMonthlyUsdOfSucceeded) : "not measured yet";
  fill($("#dashboard"), 
    tile("Deployments", String(s.deployments), h("small", {}, Object.entries(s.byStatus ?? {}).map(([k, v]) => `${k} ${v}`).join(" · "))),
    tile("Success rate", pct(s.successRate), h("small", {}, `of ${s.finished} finished`)),
    tile("Time to a running agent", `p50 ${mins(s.minutesToRunningAgent?.p50)}`, h("small", {}, `p95 ${mins(s.minutesToRunningAgent?.p95)} · ${s.minutesToRunningAgent?.count ?? 0} agents`)),
    tile("From templates (not blank)", pct(s.fromTemplatesShare)),
    tile("Estimate accuracy", accuracy, h("small", {}, `estimated ${formatUsd(s.estimatedMonthlyUsdOfSucceeded)} a month for succeeded agents`)),
    h("div", { class: "tile" }, h("span", {}, "Template share"),
      h("ul", { class: "share" }, share.map(([id, v]) => h("li", {}, `${id || "(none chosen)"}: ${pct(v.share)} (${v.count})`,
        h("span", { class: "barline", style: `width:${(v.share * 100).toFixed(1)}%` }))))));
}

// --- instances ------------------------------------------------------------------------------------------------------
function query(token) {
  const f = new FormData($("#filters"));
  const q = new URLSearchParams({ showInput: "true", top: f.get("top") });
  const statuses = f.getAll("runtimeStatus");
  if (statuses.length) q.set("runtimeStatus", statuses.join(","));
  for (const name of ["createdTimeFrom", "createdTimeTo"]) if (f.get(name)) q.set(name, new Date(f.get(name)).toISOString());
  if (f.get("instanceIdPrefix")) q.set("instanceIdPrefix", f.get("instanceIdPrefix").trim());
  return { q, template: (f.get("template") ?? "").trim(), tenant: (f.get("tenant") ?? "").trim() };
}

const tenantOf = (i) => i.input?.tenantId ?? "";
const templateOf = (i) => i.customStatus?.templateId ?? i.input?.templateId ?? "";

async function loadPage(page) {
  const token = state.tokens[page] ?? "";
  const { q, template, tenant } = query();
  const response = await call("GET", `${durable}/instances?${q}`, { headers: token ? { "x-ms-continuation-token": token } : {} });
  state.page = page;
  state.next = response.headers.get("x-ms-continuation-token") ?? "";
  state.tokens[page + 1] = state.next;
  state.instances = response.body.filter((i) => (!template || templateOf(i).includes(template)) && (!tenant || tenantOf(i) === tenant));
  fill($("#instances"), ...state.instances.map((i) => h("tr", { dataset: { instanceId: i.instanceId }, "aria-selected": String(i.instanceId === state.selected) },
    h("td", {}, h("button", { type: "button", class: "link", onclick: () => select(i.instanceId) }, i.instanceId)),
    h("td", {}, i.name),
    h("td", { class: `status status-${i.runtimeStatus}` }, i.runtimeStatus),
    h("td", {}, templateOf(i) || "–"),
    h("td", {}, i.customStatus?.step ? `${i.customStatus.step.number} ${i.customStatus.step.name} (${i.customStatus.state})` : "–"),
    h("td", {}, tenantOf(i) || "–"),
    h("td", {}, formatTime(i.createdTime)),
    h("td", {}, formatTime(i.lastUpdatedTime)))));
  if (state.instances.length === 0) fill($("#instances"), h("tr", {}, h("td", { colspan: 8 }, "No instances on this page.")));
  $("#page-info").textContent = `Page ${page + 1}: ${state.instances.length} instance(s)${state.next ? ", more on the next page" : ", last page"}.`;
  $("#next-page").disabled = !state.next;
  $("#prev-page").disabled = page === 0;
  $("#first-page").disabled = page === 0;
}

// --- one instance ---------------------------------------------------------------------------------------------------
async function select(instanceId) {
  state.selected = instanceId;
  history.replaceState(null, "", `#instance=${encodeURIComponent(instanceId)}`);
  for (const row of $$("#instances tr")) row.setAttribute("aria-selected", String(row.dataset.instanceId === instanceId));
  await loadDetail();
  $("#h-detail").focus();
}

async function loadDetail() {
  const id = state.selected;
  const response = await call("GET", `${durable}/instances/${encodeURIComponent(id)}?showHistory=true&showHistoryOutput=true&showInput=true`);
  const s = response.body;
  $("#detail").hidden = false;
  $("#detail-id").textContent = s.instanceId;
  $("#detail-status").textContent = s.runtimeStatus;
  $("#detail-status").className = `status status-${s.runtimeStatus}`;
  renderTimeline($("#timeline"), s.historyEvents);
  $("#custom-status").textContent = showJson(s.customStatus);
  $("#input").textContent = showJson(s.input);
  $("#output").textContent = showJson(s.output);
  const running = ["Running", "Pending", "Suspended"].includes(s.runtimeStatus);
  $("[data-action=suspend]").disabled = s.runtimeStatus !== "Running";
  $("[data-action=resume]").disabled = s.runtimeStatus !== "Suspended";
  $("[data-action=terminate]").disabled = !running;
  $("[data-action=raise]").disabled = !running;
  $("[data-action=purge]").disabled = running;
}

// --- actions, each confirmed in a dialog ---------------------------------------------------------------------------
const actions = {
  raise: { title: "Raise an event", verb: "Raise event", fields: () => [
    field("eventName", "Event name", h("input", { type: "text", required: true, autocomplete: "off" })),
    field("eventData", "Event data (JSON)", h("textarea", { rows: 4, class: "code" }, "null"))],
    run: (id, v) => call("POST", `${durable}/instances/${id}/raiseEvent/${encodeURIComponent(v.eventName)}`, { body: v.eventData || "null" }) },
  suspend: { title: "Suspend the instance", verb: "Suspend", fields: reason, run: (id, v) => call("POST", `${durable}/instances/${id}/suspend?reason=${encodeURIComponent(v.reason)}`) },
  resume: { title: "Resume the instance", verb: "Resume", fields: reason, run: (id, v) => call("POST", `${durable}/instances/${id}/resume?reason=${encodeURIComponent(v.reason)}`) },
  terminate: { title: "Terminate the instance", verb: "Terminate", text: "It stops at once and cannot be resumed; what it made is not cleaned up by the wizard.",
    fields: reason, run: (id, v) => call("POST", `${durable}/instances/${id}/terminate?reason=${encodeURIComponent(v.reason)}`) },
  restart: { title: "Restart the instance", verb: "Restart", text: "Starts it again from its original input.", fields: () => [
    field("newId", "Use a new instance id", h("input", { type: "checkbox", checked: true }))],
    run: (id, v) => call("POST", `${durable}/instances/${id}/restart?restartWithNewInstanceId=${v.newId}`) },
  purge: { title: "Purge the instance", verb: "Purge", text: "Deletes its history and status for good.", fields: () => [],
    run: (id) => call("DELETE", `${durable}/instances/${id}`) },
};

function reason() { return [field("reason", "Reason", h("input", { type: "text", autocomplete: "off", value: "by an operator" }))]; }

function field(name, label, control) {
  control.name = name;
  control.id = `confirm-${name}`;
  return h("p", {}, h("label", { for: control.id }, label), " ", control);
}

function confirmAction(name) {
  const action = actions[name];
  const dialog = $("#confirm-dialog");
  $("#confirm-title").textContent = action.title;
  $("#confirm-text").textContent = `${action.text ?? ""} Instance ${state.selected}.`.trim();
  fill($("#confirm-fields"), ...action.fields());
  $("#confirm-action").textContent = action.verb;
  dialog.returnValue = "";
  dialog.onclose = async () => {
    if (dialog.returnValue !== "confirm") return;
    const before = name === "raise" || name === "restart" || name === "purge" ? null : $("#detail-status").textContent;
    const values = {};
    for (const el of $$("#confirm-fields [name]")) values[el.name] = el.type === "checkbox" ? el.checked : el.value;
    try {
      const response = await action.run(encodeURIComponent(state.selected), values);
      $("#action-result").textContent = `${action.verb}: accepted (${response.status}).`;
      if (name === "purge") { $("#detail").hidden = true; state.selected = null; }
      else if (name === "restart" && response.body?.id) state.selected = response.body.id;
    } catch (e) {
      $("#action-result").textContent = `${action.verb}: ${e.message}`;
    }
    await refreshAfterAction(before);
  };
  dialog.showModal();
}

// The management API accepts actions asynchronously (202): the status changes once the engine has run them, so the
// instance is read again a few times (bounded) until its status moves.
async function refreshAfterAction(before) {
  for (let attempt = 0; state.selected && before && attempt < 20; attempt++) {
    const s = (await call("GET", `${durable}/instances/${encodeURIComponent(state.selected)}`).catch(() => null))?.body;
    if (!s || s.runtimeStatus !== before) break;
    await new Promise((resolve) => setTimeout(resolve, 250 * Math.min(attempt + 1, 4)));
  }
  await Promise.all([loadPage(state.page), state.selected ? loadDetail() : null, loadDashboard()].map((p) => p?.catch?.(fail)));
}

for (const b of $$("[data-action]")) b.addEventListener("click", () => confirmAction(b.dataset.action));
$("#reload-detail").addEventListener("click", () => refreshAfterAction());
$("#filters").addEventListener("submit", (e) => { e.preventDefault(); state.tokens = [""]; loadPage(0).catch(fail); });
$("#next-page").addEventListener("click", () => loadPage(state.page + 1).catch(fail));
$("#prev-page").addEventListener("click", () => loadPage(Math.max(0, state.page - 1)).catch(fail));
$("#first-page").addEventListener("click", () => loadPage(0).catch(fail));

keyGate($("#key-gate"), {
  onReady: async (whoami) => {
    state.whoami = whoami;
    $("#need-key").hidden = true;
    $("#console").hidden = false;
    $("#tenant-filter").hidden = !(whoami.tenant === "platform" && whoami.roles.includes("ops"));
    $("#ops-error").textContent = "";
    try {
      await Promise.all([loadDashboard(), loadPage(0)]);
      const linked = new URLSearchParams(location.hash.slice(1)).get("instance");
      if (linked) await select(linked);
    } catch (e) { fail(e); }
  },
  onForget: () => { $("#console").hidden = true; $("#need-key").hidden = false; },
});
