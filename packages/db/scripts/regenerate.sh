#!/usr/bin/env bash
# Pre-release: the schema is one initial migration plus the hand-written migrations of sql/ (FTS indexes, in
# the order below). Regenerate them all from src/schema whenever it changes (after the first release, switch to
# additive `drizzle-kit generate`).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf drizzle
npx drizzle-kit generate --name init >/dev/null
for name in memory_fts chat_messages_fts; do
  npx drizzle-kit generate --custom --name "$name" >/dev/null
  cp "sql/$name.sql" "$(ls drizzle/*_"$name".sql)"
done
echo "migrations regenerated: $(ls drizzle/*.sql | xargs -n1 basename | tr '\n' ' ')"
