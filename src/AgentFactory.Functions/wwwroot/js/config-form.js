// The configuration form: built from a template and a configuration, read back as the configuration JSON, and showing
// the API's problems at their field by JSON pointer (a pointer with no field of its own goes to the nearest enclosing
// one, e.g. /settings/baseUrl to the settings editor).
import { $, $$, h } from "./dom.js";

const list = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);

function number(text) {
  if (text.trim() === "") return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text; // not a number: sent as is, so the API names the field
}

let fieldCount = 0;

function field(pointer, label, control, hint) {
  const id = `f${++fieldCount}`;
  control.id = id;
  control.dataset.pointer = pointer;
  control.setAttribute("aria-describedby", `${id}-error${hint ? ` ${id}-hint` : ""}`);
  return h("div", { class: "field", dataset: { field: pointer } },
    h("label", { for: id }, label),
    control,
    hint ? h("small", { id: `${id}-hint`, class: "hint" }, hint) : null,
    h("p", { id: `${id}-error`, class: "field-error", dataset: { errorFor: pointer } }));
}

const input = (type, value, extra = {}) => h("input", { type, value: value ?? "", ...extra });
const select = (value, options) => {
  const s = h("select", {}, options.map((o) => h("option", { value: o, selected: o === value }, o)));
  return s;
};

export class ConfigForm {
  constructor(form, onChange) {
    this.form = form;
    this.onChange = onChange;
    form.addEventListener("input", () => onChange());
    form.addEventListener("change", () => onChange());
    form.addEventListener("submit", (e) => e.preventDefault());
  }

  /** Renders the form for `template` filled with `configuration`. */
  render(template, configuration) {
    this.template = template;
    this.base = structuredClone(configuration);
    const c = configuration;
    const required = new Set(template.requiredCapabilities);
    const all = [...template.requiredCapabilities, ...template.optionalCapabilities];
    const capabilities = h("fieldset", { class: "field", dataset: { field: "/capabilities/selected", pointer: "/capabilities/selected" } },
      h("legend", {}, "Capabilities"),
      all.map((cap) => h("label", { class: "check" },
        h("input", { type: "checkbox", name: "capability", value: cap, checked: c.capabilities.selected.includes(cap), disabled: required.has(cap) }),
        ` ${cap}${required.has(cap) ? " (required)" : ""}`)),
      h("p", { class: "field-error", dataset: { errorFor: "/capabilities/selected" } }));
    const spec = c.specializations ?? {};
    this.form.replaceChildren(
      h("fieldset", {}, h("legend", {}, "Agent"),
        field("/name", "Name", input("text", c.name, { autocomplete: "off", required: true }), "Lowercase letters, digits and hyphens; also the agent's queue and container name."),
        field("/description", "Description", h("textarea", { rows: 2 }, c.description ?? "")),
        field("/tier", "Tier", select(c.tier, ["starter", "professional", "enterprise"]))),
      capabilities,
      h("fieldset", {}, h("legend", {}, "Specializations"),
        field("/capabilities/custom", "Custom capabilities (comma-separated)", input("text", (c.capabilities.custom ?? []).join(", "))),
        field("/specializations/industry", "Industry", input("text", spec.industry ?? "")),
        field("/specializations/domainExpertise", "Domain expertise (comma-separated)", input("text", (spec.domainExpertise ?? []).join(", "))),
        field("/specializations/languages", "Languages (comma-separated)", input("text", (spec.languages ?? []).join(", ")))),
      h("fieldset", {}, h("legend", {}, "Resources"),
        field("/resources/cpuCores", "CPU cores", input("number", c.resources.cpuCores, { step: "0.5", min: "0.5" })),
        field("/resources/memoryMb", "Memory (MB)", input("number", c.resources.memoryMb, { step: "512", min: "512" })),
        field("/resources/storageGb", "Storage (GB)", input("number", c.resources.storageGb, { step: "1", min: "1" }))),
      h("fieldset", {}, h("legend", {}, "Execution"),
        field("/execution/mode", "Mode", select(c.execution.mode, ["onDemand", "alwaysOn"])),
        field("/execution/expectedTasksPerDay", "Expected tasks per day", input("number", c.execution.expectedTasksPerDay, { min: "1" })),
        field("/execution/averageTaskDurationSeconds", "Average task duration (s)", input("number", c.execution.averageTaskDurationSeconds, { step: "0.1" }))),
      field("/settings", `Settings (${c.settings.kind}, JSON)`, h("textarea", { rows: 8, spellcheck: "false", class: "code" }, JSON.stringify(c.settings, null, 2))),
      this.environmentFieldset(c.advanced?.environment ?? []),
      field("/advanced/rateLimitPerSecond", "Inbound rate limit per second (optional)", input("number", c.advanced?.rateLimitPerSecond ?? "", { min: "0" })),
      h("p", { class: "hint" }, `Dependencies: ${(c.advanced?.dependencies ?? []).map((d) => `${d.package} ${d.version}`).join(", ") || "none"}`));
  }

  environmentFieldset(variables) {
    const rows = h("div", { class: "env-rows" });
    const fieldset = h("fieldset", { class: "field", dataset: { field: "/advanced/environment", pointer: "/advanced/environment" } },
      h("legend", {}, "Environment variables"),
      rows,
      h("button", { type: "button", onclick: () => { this.addVariable(rows, { name: "", value: "", secret: false }); this.onChange(); } }, "Add variable"),
      h("p", { class: "field-error", dataset: { errorFor: "/advanced/environment" } }));
    for (const v of variables) this.addVariable(rows, v);
    return fieldset;
  }

  addVariable(rows, v) {
    const row = h("div", { class: "env-row" });
    const refresh = () => $$(".env-row", rows).forEach((r, i) => {
      for (const [part, el] of Object.entries({ name: $("[data-part=name]", r), value: $("[data-part=value]", r), secret: $("[data-part=secret]", r) })) {
        el.dataset.pointer = `/advanced/environment/${i}/${part}`;
        $(`[data-error-part=${part}]`, r).dataset.errorFor = `/advanced/environment/${i}/${part}`;
        el.setAttribute("aria-label", `Variable ${i + 1} ${part}`);
      }
    });
    row.append(
      h("input", { type: "text", value: v.name, dataset: { part: "name" }, placeholder: "NAME", autocomplete: "off" }),
      h("input", { type: v.secret ? "password" : "text", value: v.value ?? "", dataset: { part: "value" }, placeholder: "value", autocomplete: "off" }),
      h("label", { class: "check" }, h("input", { type: "checkbox", checked: !!v.secret, dataset: { part: "secret" },
        onchange: (e) => { $("[data-part=value]", row).type = e.target.checked ? "password" : "text"; } }), " secret"),
      h("button", { type: "button", onclick: () => { row.remove(); refresh(); this.onChange(); } }, "Remove"),
      h("p", { class: "field-error", dataset: { errorPart: "name" } }),
      h("p", { class: "field-error", dataset: { errorPart: "value" } }),
      h("p", { class: "field-error", dataset: { errorPart: "secret" } }));
    rows.append(row);
    refresh();
  }

  /** The configuration as JSON, or {problems} for what cannot even be sent (settings that are not JSON). */
  read() {
    const c = structuredClone(this.base);
    const value = (pointer) => $(`[data-pointer="${pointer}"]`, this.form).value;
    c.name = value("/name").trim();
    c.description = value("/description").trim() || undefined;
    c.tier = value("/tier");
    c.capabilities = {
      selected: $$("input[name=capability]", this.form).filter((x) => x.checked).map((x) => x.value),
      custom: list(value("/capabilities/custom")),
    };
    c.specializations = {
      industry: value("/specializations/industry").trim() || undefined,
      domainExpertise: list(value("/specializations/domainExpertise")),
      languages: list(value("/specializations/languages")),
    };
    c.resources = {
      cpuCores: number(value("/resources/cpuCores")),
      memoryMb: number(value("/resources/memoryMb")),
      storageGb: number(value("/resources/storageGb")),
    };
    c.execution = {
      mode: value("/execution/mode"),
      expectedTasksPerDay: number(value("/execution/expectedTasksPerDay")),
      averageTaskDurationSeconds: number(value("/execution/averageTaskDurationSeconds")),
    };
    try {
      c.settings = JSON.parse(value("/settings"));
    } catch (e) {
      return { problems: [{ pointer: "/settings", code: "json.invalid", message: `Not valid JSON: ${e.message}` }] };
    }
    c.advanced = {
      ...(c.advanced ?? {}),
      environment: $$(".env-row", this.form).map((r) => ({
        name: $("[data-part=name]", r).value.trim(),
        value: $("[data-part=value]", r).value,
        secret: $("[data-part=secret]", r).checked,
      })),
      rateLimitPerSecond: number(value("/advanced/rateLimitPerSecond")),
    };
    return { configuration: c };
  }

  /** Shows `problems` ({pointer, code, message}) at their fields; returns the ones shown. */
  showProblems(problems, summary) {
    for (const el of $$(".field-error", this.form)) el.textContent = "";
    for (const el of $$("[aria-invalid]", this.form)) el.removeAttribute("aria-invalid");
    const items = [];
    for (const p of problems) {
      let pointer = p.pointer || "";
      let target = null;
      while (pointer && !(target = $(`[data-error-for="${CSS.escape(pointer)}"]`, this.form))) pointer = pointer.slice(0, pointer.lastIndexOf("/"));
      const text = pointer === p.pointer ? p.message : `${p.pointer}: ${p.message}`;
      if (target) {
        target.textContent = target.textContent ? `${target.textContent} ${text}` : text;
        $(`[data-pointer="${CSS.escape(pointer)}"]`, this.form)?.setAttribute("aria-invalid", "true");
      }
      items.push(h("li", { dataset: { pointer: p.pointer, code: p.code } }, h("code", {}, p.pointer || "/"), ` ${p.message}`));
    }
    summary.replaceChildren(...(items.length
      ? [h("p", {}, `${items.length} problem${items.length === 1 ? "" : "s"} to fix:`), h("ul", {}, items)]
      : []));
  }
}
