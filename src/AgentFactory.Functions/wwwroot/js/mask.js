// Masks secrets in JSON shown to operators. The API already redacts secret values to "***"; this is a second line:
// values of secret environment variables and of properties whose names say they hold a credential are hidden.
const secretName = /(secret|password|passwd|token|apikey|api_key|accesskey|access_key|connectionstring|credential|sig)$/i;

export const masked = "••••••";

export function maskSecrets(value, name = "") {
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  if (value && typeof value === "object") {
    const out = {};
    const isSecretVariable = value.secret === true || value.secret === "true";
    for (const [key, inner] of Object.entries(value)) {
      if (isSecretVariable && key === "value") out[key] = masked;
      else if (typeof inner !== "object" && secretName.test(key) && !/name$/i.test(key)) out[key] = masked;
      else out[key] = maskSecrets(inner, key);
    }
    return out;
  }
  if (typeof value === "string" && name && secretName.test(name)) return masked;
  // JSON carried as a string (e.g. configurationJson) is masked inside too.
  if (typeof value === "string" && /^\s*[{[]/.test(value)) {
    try { return JSON.stringify(maskSecrets(JSON.parse(value))); } catch { return value; }
  }
  return value;
}

export const showJson = (value) => (value === null || value === undefined ? "(none)" : JSON.stringify(maskSecrets(value), null, 2));
