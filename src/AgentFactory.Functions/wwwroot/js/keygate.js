// The key prompt both pages share: asks for a function key, checks it with GET /api/whoami, keeps it in
// sessionStorage only, and lets the person forget it.
import { call, forgetKey, getKey, setKey } from "./api.js";

/**
 * Wires the key form in `root` (see index.html). Calls onReady(whoami) once a key works, onForget() when it is
 * forgotten. Returns a function that re-checks the stored key.
 */
export function keyGate(root, { onReady, onForget }) {
  const form = root.querySelector("form");
  const input = root.querySelector("input");
  const who = root.querySelector("[data-who]");
  const forget = root.querySelector("[data-forget]");
  const error = root.querySelector("[data-key-error]");

  function show(whoami) {
    form.hidden = !!whoami;
    who.parentElement.hidden = !whoami;
    who.textContent = whoami ? `tenant ${whoami.tenant}, role ${whoami.roles.join(", ")}` : "";
  }

  async function check() {
    if (!getKey()) { show(null); return; }
    try {
      const whoami = (await call("GET", "/api/whoami")).body;
      error.textContent = "";
      show(whoami);
      onReady(whoami);
    } catch (e) {
      forgetKey();
      show(null);
      error.textContent = e.status === 401 ? "That key was not accepted." : e.message;
      input.focus();
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) { error.textContent = "Enter a key."; input.focus(); return; }
    setKey(key);
    input.value = "";
    await check();
  });
  forget.addEventListener("click", () => {
    forgetKey();
    show(null);
    onForget?.();
    input.focus();
  });
  check();
  return check;
}
