# Fangzha: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: demo setup install stack test test-fast mutation lint messages clean

demo: setup  ## set up everything and serve the demo site on http://127.0.0.1:$(PORT)/
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

setup: install  ## migrate, compile translations, load the demo content (idempotent)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compiletranslations
	$(PY) manage.py load_demo --host 127.0.0.1:$(PORT)
	$(PY) manage.py load_campaigns_demo

stack: install  ## web, Celery worker and beat on PostgreSQL and Redis (private ones in .stack/)
	$(PY) scripts/stack.py --port $(PORT)

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,postgres,s3]"
	touch $(STAMP)

test: install  ## run the whole test suite
	$(PY) manage.py compiletranslations --verbosity 0
	$(PY) -m pytest $(PYTEST_ARGS)

# The edit-test loop: no browser, no processes, no fuzzing; two workers, and a test database
# migrated once and kept (a new one whenever the migrations change).
MIGRATIONS_HASH = $(shell cat site/*/migrations/*.py campaigns/migrations/*.py | cksum | cut -d' ' -f1)
test-fast: install  ## the edit-test loop (no browser or processes), stops at the first failure
	@# Bytecode is kept even where the environment says not to (PYTHONDONTWRITEBYTECODE):
	@# without it every run compiles the project and rewrites the tests again.
	@# Only the plugins these tests use are loaded (the others cost two seconds a process).
	env -u PYTHONDONTWRITEBYTECODE FANGZHA_TEST_DB=$(VENV)/test-db-$(MIGRATIONS_HASH).sqlite3 \
		PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 \
		$(PY) -m pytest -p pytest_django.plugin -p xdist.plugin -x -q -n 2 \
		--reuse-db -m "not browser and not processes and not commits and not demo and not catalogue and not fuzz and not postgres and not heavy" \
		$(PYTEST_ARGS)

mutation: install  ## mutation run on the guards (GUARDS=links|permissions|workflow|imports|all)
	PY=$(PY) scripts/mutation.sh $(GUARDS)

lint: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

messages:  ## refresh the .po catalogues after changing UI strings (needs GNU gettext)
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=bench \
		--ignore=fixtures --ignore=tests --ignore=static_collected --ignore=media
	$(PY) site/locale/fill.py  # lists what still needs translating

clean:
	rm -rf $(VENV) db.sqlite3 static_collected
	find media -mindepth 1 ! -name .gitkeep -delete
