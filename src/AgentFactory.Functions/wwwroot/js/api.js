// Calls to the app's public API with the key the person entered. The key lives only in sessionStorage (gone when the
// tab closes) and travels in x-functions-key, never in a URL.
const keyName = "agentfactory.key";

export const factory = "/api/platform/factory";
// The management API is also served below /api, the only prefix the Functions host forwards, so the pages work there too.
export const durable = "/api/durabletask";

export const getKey = () => sessionStorage.getItem(keyName);
export const setKey = (key) => sessionStorage.setItem(keyName, key);
export const forgetKey = () => sessionStorage.removeItem(keyName);

/** A non-2xx answer; `problem` is the RFC 7807 body when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(describeProblem(status, problem));
    this.status = status;
    this.problem = problem;
  }
}

function describeProblem(status, problem) {
  if (!problem) return `The server answered ${status}.`;
  const parts = [problem.title, problem.detail].filter(Boolean);
  if (problem.errors) {
    for (const [field, messages] of Object.entries(problem.errors)) parts.push(`${field}: ${[].concat(messages).join(" ")}`);
  }
  return `${parts.join(" — ") || "Request failed"} (${status})`;
}

/** Sends a request; resolves to {status, headers, body} for 2xx, throws ApiError otherwise. */
export async function call(method, path, { body, headers = {} } = {}) {
  const key = getKey();
  const init = { method, headers: { Accept: "application/json", ...headers } };
  if (key) init.headers["x-functions-key"] = key;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let parsed = null;
  if (text) {
    try { parsed = JSON.parse(text); } catch { parsed = text; }
  }
  if (!response.ok) throw new ApiError(response.status, typeof parsed === "object" ? parsed : null);
  return { status: response.status, headers: response.headers, body: parsed };
}

export const get = async (path) => (await call("GET", path)).body;
export const post = async (path, body) => (await call("POST", path, { body })).body;
