#!/usr/bin/env bash
# Set up, then run the bot on a fresh git copy of examples/slowdemo and show what it kept.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
BOT="$ROOT/.venv/bin/codeflash-bot"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/slowdemo-XXXXXX")"
cp -r "$ROOT/examples/slowdemo/." "$WORK"
cd "$WORK"
git init -q -b main
git -c user.name=demo -c user.email=demo@example.com add -A
git -c user.name=demo -c user.email=demo@example.com commit -q -m "slowdemo"
echo "== codeflash-bot optimize  (in $WORK)"
"$BOT" optimize
echo "== codeflash-bot status"
"$BOT" status
echo "== codeflash-bot prepare-pr"
"$BOT" prepare-pr || echo "(prepare-pr could not finish; see the message above)"
echo "== done: the branch is in $WORK (git log codeflash/ds-*)"
