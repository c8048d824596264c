# Two commands set everything up: `make demo` runs the demo, `make test` runs the test suite.
# Both create (or reuse) the virtual environment in .venv and install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,vision]'
	touch $(STAMP)

.PHONY: install demo test fuzz bench gpu-wheels
install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m problogic.demo

test: $(STAMP)
	$(BIN)/python -m pytest

# the property tests with 8x their examples from fresh random seeds (tests/fuzz.py); a
# ProbLog reference that stalls on a generated program stops after 20 s (tests/oracle.py)
fuzz: $(STAMP)
	PROBLOGIC_FUZZ=8 $(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks --quick

# the wheels that benchmarks/gpu_check.sh installs on a GPU machine without network (its
# python3, 3.12, lacks lark)
gpu-wheels: $(STAMP)
	$(BIN)/pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 \
		--implementation cp --platform manylinux2014_x86_64 -d .whl \
		"lark==$$($(BIN)/python -c 'import lark; print(lark.__version__)')"
