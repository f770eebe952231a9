#!/usr/bin/env bash
# dev.sh — THE command to run the app: installs what is missing (scripts/setup.sh), then runs
# `cargo leptos watch` on http://127.0.0.1:3000 with live reload.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WITH_BROWSER="${WITH_BROWSER:-0}" bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
say "cargo leptos watch (first build takes a few minutes; then open http://127.0.0.1:3000)"
# As DEV_ENV / DEV_WATCH in lib.sh say: live reload, no debug info, the local Clerk dev instance.
dev_env
export "${DEV_ENV[@]}"
web_cargo "${DEV_WATCH[@]}" "$@"
