#!/usr/bin/env bash
# Mutation testing of the guards (docs/mutation.md): mutmut mutates one guard's functions
# and runs the fast tests that reach them; every surviving mutant needs a new test or a
# line in docs/mutation.md saying why it cannot be told apart.
#
#   scripts/mutation.sh [GUARD...]     GUARD: links (default), permissions, workflow, imports, all
#
# mutmut works on a copy in mutants/ (ignored by git): the working tree is only read.
# The copy is made afresh on each run, so edits since the last run are always included.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
MUTMUT=${MUTMUT:-$(dirname "$PY")/mutmut}

patterns=()
for guard in "${@:-links}"; do
  case "$guard" in
    # /r/<code>/: only an active link to a live, unrestricted page of this site redirects.
    links) patterns+=("campaigns.links.*") ;;
    # Team scoping of every campaign screen, list, chooser, export and API.
    permissions) patterns+=("campaigns.permissions.*") ;;
    # Submit / return / approve transitions and who may make them (campaigns/workflow.py).
    workflow) patterns+=("campaigns.workflow.*") ;;
    # The import (campaigns/imports/): reading the table, parsing cells, and the resource's
    # guards: an approved event may only come back unchanged, rows only for the user's teams.
    imports) patterns+=("campaigns.imports.reading.*" "campaigns.imports.cells.*"
                        "campaigns.imports.resource.*") ;;
    all) patterns+=("campaigns.links.*" "campaigns.permissions.*" "campaigns.workflow.*"
                    "campaigns.imports.reading.*" "campaigns.imports.cells.*"
                    "campaigns.imports.resource.*") ;;
    *) echo "unknown guard: $guard (links, permissions, workflow, imports, all)" >&2; exit 2 ;;
  esac
done

rm -rf mutants
mkdir mutants
export FANGZHA_MUTATION_DB="$PWD/mutants/test-db.sqlite3"
"$PY" manage.py compiletranslations --verbosity 0
# One worker: the mutants share one SQLite test database.
"$MUTMUT" run --max-children 1 "${patterns[@]}"
echo
echo "Not killed (inspect one with: $MUTMUT show NAME):"
regex=$(printf '%s\n' "${patterns[@]}" | sed -e 's/\./\\./g' -e 's/\*/.*/g' | paste -sd'|')
"$MUTMUT" results | grep -E "^ *($regex):" || echo "    none"
