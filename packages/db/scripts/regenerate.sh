#!/usr/bin/env bash
# Pre-release: the schema is one initial migration plus the hand-written FTS migration. Regenerate both
# from src/schema whenever it changes (after the first release, switch to additive `drizzle-kit generate`).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf drizzle
npx drizzle-kit generate --name init >/dev/null
npx drizzle-kit generate --custom --name memory_fts >/dev/null
f=$(ls drizzle/0001_*.sql)
cp sql/memory_fts.sql "$f"
echo "migrations regenerated: $(ls drizzle/*.sql | xargs -n1 basename | tr '\n' ' ')"
