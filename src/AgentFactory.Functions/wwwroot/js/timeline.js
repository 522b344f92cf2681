// A durable instance's history (Durable Functions' historyEvents) as bars on a time axis: each activity and
// sub-orchestration from scheduled to completed or failed, each timer from created to fired (or due, if pending), and
// each wait from the moment the orchestration last worked to the event that woke it. Failures carry their error.
import { formatMs, h } from "./dom.js";

const t = (iso) => (iso ? Date.parse(iso) : NaN);

/** The bars: {label, kind, start, end, open, failed, error} in history order. */
export function bars(historyEvents, now = Date.now()) {
  // A finished instance's open timers (a wait's deadline that the event beat) end with the instance, not now.
  const end = (historyEvents ?? []).find((e) => /^Execution(Completed|Terminated|Failed)$/.test(e.EventType));
  if (end) now = t(end.Timestamp);
  const out = [];
  let lastActive = NaN;
  const timers = [];
  for (const e of historyEvents ?? []) {
    const at = t(e.Timestamp);
    switch (e.EventType) {
      case "ExecutionStarted":
        out.push({ label: `started ${e.FunctionName ?? ""}`, kind: "event", start: at, end: at });
        break;
      case "TaskCompleted":
      case "TaskFailed":
      case "SubOrchestrationInstanceCompleted":
      case "SubOrchestrationInstanceFailed": {
        const failed = e.EventType.endsWith("Failed");
        const sub = e.EventType.startsWith("Sub");
        out.push({ label: `${sub ? "sub-orchestration" : "activity"} ${e.FunctionName ?? e.Name ?? ""}`, kind: "activity",
          start: t(e.ScheduledTime) || at, end: at, failed, error: failed ? errorOf(e) : null });
        break;
      }
      case "TaskScheduled":
      case "SubOrchestrationInstanceCreated":
        out.push({ label: `activity ${e.Name ?? e.FunctionName ?? ""} (running)`, kind: "activity", start: at, end: now, open: true });
        break;
      case "TimerCreated": {
        const bar = { label: `timer until ${e.FireAt ?? "?"}`, kind: "timer", start: at, end: Math.min(t(e.FireAt) || now, now), open: true, fireAt: e.FireAt };
        timers.push(bar);
        out.push(bar);
        break;
      }
      case "TimerFired": {
        const bar = timers.find((b) => b.open && b.fireAt === e.FireAt) ?? timers.find((b) => b.open);
        if (bar) { bar.end = at; bar.open = false; bar.label = `timer (fired)`; }
        else out.push({ label: "timer fired", kind: "timer", start: at, end: at });
        break;
      }
      case "EventRaised":
        out.push({ label: `wait for ${e.Name}`, kind: "wait", start: Number.isNaN(lastActive) ? at : lastActive, end: at });
        // A wait raced with a deadline timer: the event came first, so that timer is no longer waited for.
        for (const bar of timers) if (bar.open && bar.start <= at) { bar.open = false; bar.end = at; bar.label = `deadline until ${bar.fireAt} (event came first)`; }
        break;
      case "ExecutionCompleted":
      case "ExecutionTerminated":
      case "ExecutionFailed": {
        const failed = e.EventType !== "ExecutionCompleted" || e.OrchestrationStatus === "Failed";
        out.push({ label: e.EventType === "ExecutionTerminated" ? "terminated" : `completed (${e.OrchestrationStatus ?? "?"})`, kind: "event",
          start: at, end: at, failed, error: failed ? errorOf(e) : null });
        break;
      }
      default:
        out.push({ label: e.EventType + (e.Name ? ` ${e.Name}` : "") + (e.Reason ? `: ${e.Reason}` : ""), kind: "event", start: at, end: at });
    }
    if (!Number.isNaN(at)) lastActive = Math.max(Number.isNaN(lastActive) ? at : lastActive, at);
  }
  // A pending timer is shown up to now, not to its (possibly far) due time.
  for (const bar of timers) {
    if (!bar.open) continue;
    bar.end = now;
    if (end) { bar.open = false; bar.label = `timer until ${bar.fireAt} (not needed)`; }
  }
  return out;
}

function errorOf(e) {
  const details = e.FailureDetails;
  const message = details?.ErrorMessage ?? details?.errorMessage ?? details?.message;
  const type = details?.ErrorType ?? details?.errorType;
  if (type && message) return `${type}: ${message}`;
  return message ?? e.Reason ?? "failed";
}

/** Renders the bars into the <ol> `list`. */
export function renderTimeline(list, historyEvents, now = Date.now()) {
  const all = bars(historyEvents, now).filter((b) => !Number.isNaN(b.start));
  if (all.length === 0) { list.replaceChildren(h("li", {}, "No history (a pending instance has none yet).")); return; }
  const from = Math.min(...all.map((b) => b.start));
  const to = Math.max(...all.map((b) => b.end), from + 1);
  const span = to - from;
  list.replaceChildren(...all.map((b) => {
    const left = ((b.start - from) / span) * 100;
    const width = Math.max(((b.end - b.start) / span) * 100, 0.3);
    const duration = b.end - b.start;
    return h("li", { class: `kind-${b.kind}${b.failed ? " failed" : ""}${b.open ? " open" : ""}`, dataset: { kind: b.kind, failed: b.failed ? "true" : undefined } },
      h("span", { class: "label" }, b.label),
      h("span", { class: "track", role: "img", "aria-label": `${b.label}: ${formatMs(duration)}${b.open ? " so far" : ""}, from +${formatMs(b.start - from)}` },
        h("span", { class: "bar", style: `left:${left.toFixed(2)}%;width:${Math.min(width, 100 - left).toFixed(2)}%` })),
      h("span", { class: "dur" }, `${formatMs(duration)}${b.open ? "…" : ""}`),
      b.error ? h("p", { class: "error-text" }, b.error) : null);
  }));
}
