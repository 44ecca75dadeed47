# Two commands do everything on a fresh machine:
#   make demo   set up .venv and train PPO on CartPole (log + plot under data/)
#   make test   set up .venv (with the Atari and MuJoCo extras the tests use) and run the test suite
#               (`make test-extended` runs the few longest learning tests it leaves out)
#   make bench  run every benchmark script (minutes; prints tables)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-extended bench clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test,plot,tensorboard,atari,mujoco]"
	touch $(STAMP)

demo: $(STAMP)
	$(PY) examples/ppo_cartpole.py

test: $(STAMP)
	$(PY) -m pytest -q tests

test-extended: $(STAMP)
	$(PY) -m pytest -q -m extended tests

bench: $(STAMP)
	for script in benchmarks/[!_]*.py; do echo "== $$script"; PYTHONPATH=. $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info
