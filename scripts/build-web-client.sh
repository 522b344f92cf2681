#!/usr/bin/env bash
# Bundles the official @azure/web-pubsub-client (its browser build and dependencies, from node_modules, at the version
# pinned in package-lock.json) into one ES module the web pages load:
#   src/AgentFactory.Functions/wwwroot/vendor/web-pubsub-client.js   (committed: no build step at run time, no CDN)
# Run it after changing the client's version:  bash scripts/build-web-client.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[[ -x node_modules/.bin/esbuild && -f node_modules/@azure/web-pubsub-client/package.json ]] || npm ci --no-audit --no-fund </dev/null >&2
version="$(node -p 'require("@azure/web-pubsub-client/package.json").version')"
out=src/AgentFactory.Functions/wwwroot/vendor/web-pubsub-client.js
node_modules/.bin/esbuild scripts/web-client-entry.mjs --bundle --format=esm --platform=browser --minify --legal-comments=eof \
  --banner:js="// @azure/web-pubsub-client ${version} (MIT, Microsoft Corporation) and its dependencies, bundled by scripts/build-web-client.sh." \
  --outfile="$out" --log-level=warning
echo "build-web-client.sh: wrote $out (@azure/web-pubsub-client $version)"
