// The wizard page: choose a template, configure with live validation, try the sandbox, approve, review the cost,
// confirm, and follow the deployment live. Everything goes through the public API; the page's own state is only the
// deployment id (sessionStorage, so a reload picks the deployment up again) and what the person is typing.
import { ApiError, factory, get, post } from "./api.js";
import { ConfigForm } from "./config-form.js";
import { $, $$, fill, formatMs, formatTime, formatUsd, h } from "./dom.js";
import { keyGate } from "./keygate.js";
import { ProgressFeed } from "./progress.js";

const deploymentKey = "agentfactory.deployment";
const stepNames = ["Template", "Configure", "Sandbox", "Provision", "Review", "Deploy"];
const finalStates = new Set(["completed", "failed", "cancelled", "expired"]);

const state = { deploymentId: null, feed: null, view: null, templates: new Map(), formFor: null, refreshing: null, dirty: false };
const form = new ConfigForm($("#config-form"), () => scheduleValidation());

const capitalize = (s) => (s ? s[0].toUpperCase() + s.slice(1) : "–");

function fail(error) {
  $("#wizard-error").textContent = error instanceof ApiError || error instanceof Error ? error.message : String(error);
}

// --- templates -----------------------------------------------------------------------------------------------------
async function loadTemplates() {
  const filters = new FormData($("#template-filters"));
  const query = new URLSearchParams([...filters].filter(([, v]) => v)).toString();
  const templates = await get(`${factory}/templates${query ? `?${query}` : ""}`);
  for (const t of templates) state.templates.set(t.id, t);
  fill($("#template-cards"), ...templates.map((t) => h("li", { class: "card", dataset: { templateId: t.id } },
    h("h3", {}, t.name),
    h("p", { class: "badges" }, h("span", { class: "badge" }, t.category), " ", h("span", { class: "badge" }, `${t.complexity} complexity`),
      " ", h("span", { class: "badge" }, `≈ ${t.estimatedMinutes} min`)),
    h("p", {}, t.description),
    h("p", { class: "hint" }, `Capabilities: ${t.requiredCapabilities.join(", ")}`),
    h("button", { type: "button", class: "primary", onclick: () => chooseTemplate(t.id) }, `Choose ${t.name}`))));
  if (templates.length === 0) fill($("#template-cards"), h("li", {}, "No template matches these filters."));
}

async function template(id) {
  if (!state.templates.has(id)) state.templates.set(id, await get(`${factory}/templates/${encodeURIComponent(id)}`));
  return state.templates.get(id);
}

async function chooseTemplate(templateId) {
  $("#wizard-error").textContent = "";
  try {
    if (state.deploymentId && !finalStates.has(state.view?.creation?.state)) {
      await move("template", { templateId });
    } else {
      // A new interactive creation with the template given at start (the wizard skips waiting at step 1).
      const accepted = await post(`${factory}/agents`, { templateId });
      attach(accepted.deploymentId);
    }
  } catch (e) { fail(e); }
}

// --- the deployment -------------------------------------------------------------------------------------------------
function attach(deploymentId) {
  state.feed?.stop();
  state.deploymentId = deploymentId;
  state.view = null;
  state.formFor = null;
  sessionStorage.setItem(deploymentKey, deploymentId);
  $("#deployment-id").textContent = deploymentId;
  fill($("#events"), );
  state.feed = new ProgressFeed(deploymentId, { onEvent, onState: (s) => { $("#connection").textContent = s; $("#connection").dataset.state = s; } });
  state.feed.start().catch(fail);
  refresh();
}

function detach() {
  state.feed?.stop();
  state.feed = null;
  state.deploymentId = null;
  state.view = null;
  state.formFor = null;
  sessionStorage.removeItem(deploymentKey);
  $("#deployment-id").textContent = "none yet";
  $("#deployment-status").textContent = "–";
  fill($("#events"), );
  $("#progress").value = 0;
  $("#progress-message").textContent = "";
  $("#connection").textContent = "not connected";
  show("step-template");
  renderSteps(null);
  setMoves(null);
}

function onEvent(e) {
  $("#events").append(h("li", { dataset: { sequence: e.sequence, type: e.type } },
    h("span", { class: "seq" }, `#${e.sequence}`), " ", h("strong", {}, e.type), ` ${e.message ?? ""}`));
  $("#events").scrollTop = $("#events").scrollHeight;
  $("#progress").value = e.progress ?? $("#progress").value;
  $("#progress-message").textContent = `${e.progress ?? 0}% — ${e.message ?? e.type}`;
  refresh();
}

// Reads the status after events; one read at a time, and one more if events came during it. The orchestration
// publishes its status just after the event it logged, so a status older than the last event is read again shortly.
function refresh() {
  if (state.refreshing) { state.dirty = true; return; }
  const id = state.deploymentId;
  state.refreshing = (async () => {
    let behind = false;
    do {
      if (behind) await new Promise((resolve) => setTimeout(resolve, 150));
      state.dirty = false;
      try {
        const view = await get(`${factory}/agents/${encodeURIComponent(id)}/status`);
        if (id !== state.deploymentId) return;
        await render(view);
        behind = (view.creation?.lastEventSequence ?? 0) < (state.feed?.last ?? 0);
      } catch (e) {
        if (e.status === 404) { detach(); fail("That deployment is not yours or no longer exists."); return; }
        fail(e);
        behind = false;
      }
    } while ((state.dirty || behind) && id === state.deploymentId);
  })().finally(() => { state.refreshing = null; });
}

// --- rendering ------------------------------------------------------------------------------------------------------
function show(id) {
  for (const section of $$(".step")) section.hidden = section.id !== id;
}

function renderSteps(creation) {
  const current = creation?.step?.number ?? 1;
  fill($("#steps"), ...stepNames.map((name, i) => h("li", {
    class: i + 1 < current ? "done" : i + 1 === current ? "current" : "",
    "aria-current": i + 1 === current ? "step" : undefined,
  }, name)));
}

function setMoves(creation) {
  const waiting = new Set(creation?.waitingFor ?? []);
  const live = creation && !finalStates.has(creation.state);
  $("[data-move=back]").disabled = !waiting.has("Back");
  $("[data-move=reset]").disabled = !waiting.has("Reset");
  $("[data-move=cancel]").disabled = !live;
}

async function render(view) {
  const previous = state.view;
  state.view = view;
  const c = view.creation;
  $("#deployment-status").textContent = capitalize(view.status);
  $("#deployment-status").dataset.status = view.status;
  if (c) $("#progress").value = c.progress;
  renderSteps(c);
  setMoves(c);
  if (!c) return;
  const changed = !previous || previous.creation?.step?.number !== c.step.number || previous.creation?.state !== c.state;
  let section;
  if (finalStates.has(c.state)) { renderDone(view); section = "step-done"; }
  else if (c.state !== "waitingForInput") { $("#working-message").textContent = c.message ?? ""; section = "step-working"; }
  else if (c.step.number === 1) section = "step-template";
  else if (c.step.number === 2) { await renderConfigure(c); section = "step-configure"; }
  else if (c.step.number === 4) { renderProvision(c); section = "step-provision"; }
  else if (c.step.number === 5) { renderReview(view); section = "step-review"; }
  else section = "step-working";
  show(section);
  for (const b of $$(".step button")) b.disabled = false;
  if (changed) $(`#${section} h2`)?.focus();
}

async function renderConfigure(c) {
  const forTemplate = `${c.templateId}@${c.templateVersion}`;
  if (state.formFor !== forTemplate) {
    const t = await template(c.templateId);
    const d = t.defaultConfiguration;
    form.render(t, {
      templateId: t.id, templateVersion: c.templateVersion ?? t.version, name: c.agentName ?? "", description: t.description.slice(0, 200),
      tier: d.tier, capabilities: { selected: [...t.requiredCapabilities, ...(d.optionalCapabilities ?? [])], custom: [] },
      specializations: { languages: d.languages ?? ["en"], domainExpertise: [] }, resources: t.resources.default, settings: d.settings,
      advanced: { environment: d.environment ?? [], dependencies: t.dependencies ?? [] }, execution: d.execution,
    });
    state.formFor = forTemplate;
    fill($("#try-result"), );
  }
  // Problems of a submitted configuration (the orchestration's own validation) are shown like the live ones.
  if (c.validationErrors.length) form.showProblems(c.validationErrors, $("#config-summary"));
}

function taskTable(tasks, withDetails) {
  return h("table", {},
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Task"), h("th", { scope: "col" }, "Result"),
      withDetails ? h("th", { scope: "col" }, "Duration") : null, h("th", { scope: "col" }, "Details"))),
    h("tbody", {}, tasks.map((t) => h("tr", { class: t.passed ? "passed" : t.skipped ? "skipped" : "failed" },
      h("td", {}, t.taskId),
      h("td", {}, t.passed ? "passed" : t.skipped ? "skipped" : "failed"),
      withDetails ? h("td", {}, formatMs(t.durationMs)) : null,
      h("td", {}, t.failure ?? (t.failedAssertions ?? []).join("; "))))));
}

function renderProvision(c) {
  const s = c.sandbox;
  fill($("#sandbox-result"), 
    s ? h("div", { class: "panel" },
      h("p", {}, h("strong", { class: s.passed ? "ok" : "bad" }, s.passed ? "Sandbox tests passed" : "Sandbox tests failed"),
        ` in ${formatMs(s.durationMs)} (run ${s.testId})`),
      s.failure ? h("p", { class: "error" }, s.failure) : null,
      taskTable(s.tasks, false)) : h("p", {}, "No sandbox run yet."),
    c.costEstimate ? h("p", {}, `Estimated monthly cost: ${formatUsd(c.costEstimate.monthlyUsd)} (${c.costEstimate.mode}, ${c.costEstimate.region})`) : null,
    h("p", { class: "hint" }, c.message ?? ""));
}

function renderReview(view) {
  const c = view.creation;
  const e = c.costEstimate;
  fill($("#review"), 
    h("h3", {}, "Provisioned resources"),
    h("table", {}, h("thead", {}, h("tr", {}, ["Step", "Kind", "Name", "Change"].map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, c.resources.map((r) => h("tr", {}, h("td", {}, r.step), h("td", {}, r.kind), h("td", {}, r.name), h("td", {}, r.change))))),
    h("h3", {}, "Monthly cost estimate"),
    e ? h("div", { class: "cost" },
      h("p", { class: "total" }, h("strong", { id: "cost-total" }, `${formatUsd(e.monthlyUsd)} ${e.currency} a month`),
        ` · one-off ${formatUsd(e.oneOffUsd)} · ${e.mode} · ${e.region} · prices of ${e.priceSheetDate}`),
      h("table", { id: "cost-lines" }, h("thead", {}, h("tr", {}, ["Category", "Meter", "What", "USD / month"].map((x) => h("th", { scope: "col" }, x)))),
        h("tbody", {}, e.lines.map((l) => h("tr", {}, h("td", {}, l.category), h("td", {}, l.meter), h("td", {}, l.description), h("td", { class: "num" }, formatUsd(l.amountUsd)))))),
      h("details", {}, h("summary", {}, "Assumptions"), h("ul", {}, e.assumptions.map((a) => h("li", {}, a))))) : h("p", {}, "No estimate."));
}

function renderDone(view) {
  const c = view.creation;
  const ok = c.state === "completed";
  fill($("#done"), 
    h("p", { class: ok ? "ok big" : "bad big" }, ok ? `Agent ${c.agentName} is running.` : `The creation ended: ${c.state}.`),
    h("dl", {},
      h("dt", {}, "Status"), h("dd", {}, capitalize(view.status)),
      h("dt", {}, "Health"), h("dd", {}, c.health ? (c.health.healthy ? "healthy" : `unhealthy: ${c.health.reason ?? ""}`) : "–"),
      h("dt", {}, "First task"), h("dd", {}, c.firstTask ? (c.firstTask.skipped ? `not sent: ${c.firstTask.skipped}` : c.firstTask.succeeded ? "succeeded" : `failed: ${c.firstTask.failure ?? ""}`) : "–"),
      h("dt", {}, "Monthly estimate"), h("dd", {}, formatUsd(view.monthlyCostUsd)),
      h("dt", {}, "Finished"), h("dd", {}, formatTime(view.updatedAt))),
    c.error ? h("p", { class: "error" }, c.error) : null,
    c.cleanedUp.length ? h("p", {}, `Cleaned up: ${c.cleanedUp.join(", ")}`) : null,
    h("p", {}, h("a", { href: `/ops/#instance=${encodeURIComponent(view.instanceId)}` }, "Open in the operations console")));
}

// --- moves ----------------------------------------------------------------------------------------------------------
async function move(name, body) {
  $("#wizard-error").textContent = "";
  await post(`${factory}/agents/${encodeURIComponent(state.deploymentId)}/${name}`, body);
}

function moveButton(selector, name, body) {
  $(selector).addEventListener("click", async (event) => {
    event.currentTarget.disabled = true;
    try { await move(name, typeof body === "function" ? body() : body); } catch (e) { event.currentTarget.disabled = false; fail(e); }
  });
}

for (const b of $$("[data-move]")) moveButton(`[data-move=${b.dataset.move}]`, b.dataset.move);
moveButton("#approve", "approve");
moveButton("#sandbox-again", "sandbox");
moveButton("#confirm", "confirm");
$("#submit-config").addEventListener("click", async (event) => {
  const read = form.read();
  if (read.problems) { form.showProblems(read.problems, $("#config-summary")); return; }
  event.currentTarget.disabled = true;
  try { await move("configuration", read.configuration); } catch (e) { event.currentTarget.disabled = false; fail(e); }
});
$("#new-agent").addEventListener("click", () => { detach(); loadTemplates().catch(fail); });
$("#template-filters").addEventListener("change", () => loadTemplates().catch(fail));

// --- live validation ------------------------------------------------------------------------------------------------
let validationTimer = 0;
let validationRound = 0;
function scheduleValidation() {
  clearTimeout(validationTimer);
  validationTimer = setTimeout(validate, 300);
}

async function validate() {
  const round = ++validationRound;
  const read = form.read();
  const summary = $("#config-summary");
  if (read.problems) { form.showProblems(read.problems, summary); return; }
  try {
    const result = await post(`${factory}/validate`, read.configuration);
    if (round !== validationRound) return; // a newer edit is being checked
    form.showProblems(result.problems, summary);
    summary.dataset.valid = String(result.valid);
    if (result.valid) summary.replaceChildren(h("p", { class: "ok" }, "The configuration is valid."));
  } catch (e) { fail(e); }
}

// --- sandbox tried on the configuration (the standalone sandbox API) ------------------------------------------------
$("#try-sandbox").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  const out = $("#try-result");
  const read = form.read();
  if (read.problems) { form.showProblems(read.problems, $("#config-summary")); return; }
  button.disabled = true;
  fill(out, h("p", {}, "Starting the sandbox…"));
  let sandboxId = null;
  try {
    sandboxId = (await post(`${factory}/sandbox/start`, { configuration: read.configuration })).sandboxId;
    fill(out, h("p", {}, "Running the test tasks…"));
    const run = await post(`${factory}/sandbox/execute`, { sandboxId });
    const logs = await get(`${factory}/sandbox/logs?sandboxId=${sandboxId}&testId=${encodeURIComponent(run.testId)}&max=1000`);
    fill(out, 
      h("p", {}, h("strong", { class: run.status === "passed" ? "ok" : "bad", dataset: { sandboxStatus: run.status } }, `Sandbox run ${run.status}`)),
      h("dl", { class: "metrics" },
        h("dt", {}, "Duration"), h("dd", {}, run.duration),
        h("dt", {}, "CPU"), h("dd", {}, `${Number(run.cpuSeconds ?? 0).toFixed(2)} s`),
        h("dt", {}, "Peak memory"), h("dd", {}, `${((run.peakMemoryBytes ?? 0) / 1048576).toFixed(1)} MB`)),
      run.failure ? h("p", { class: "error" }, run.failure) : null,
      taskTable(run.tasks, true),
      h("details", { open: true }, h("summary", {}, `Logs (${logs.lines.length} lines)`),
        h("pre", { class: "logs", tabindex: "0" }, logs.lines.map((l) => `${String(l.sequence).padStart(3)} ${l.stream.padEnd(14)} ${l.text}\n`))));
  } catch (e) {
    const problems = e.problem?.errors ? Object.entries(e.problem.errors).map(([k, v]) => `${k}: ${v.join(" ")}`) : [];
    fill(out, h("p", { class: "error" }, e.message), problems.length ? h("ul", {}, problems.map((p) => h("li", {}, p))) : null);
  } finally {
    if (sandboxId) post(`${factory}/sandbox/stop`, { sandboxId }).catch(() => {});
    button.disabled = false;
  }
});

// --- start ----------------------------------------------------------------------------------------------------------
keyGate($("#key-gate"), {
  onReady: async () => {
    $("#need-key").hidden = true;
    $("#wizard").hidden = false;
    try {
      await loadTemplates();
      const saved = sessionStorage.getItem(deploymentKey);
      if (saved && saved !== state.deploymentId) attach(saved); else if (!saved) detach();
    } catch (e) { fail(e); }
  },
  onForget: () => { detach(); $("#wizard").hidden = true; $("#need-key").hidden = false; },
});
