.PHONY: setup demo dev test lint typecheck pytest ui clean

VENV := .venv
BIN := $(VENV)/bin

setup:
	./scripts/setup.sh

demo: setup
	./scripts/demo.sh

dev: setup
	./scripts/dev.sh

test: setup lint typecheck pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy dubbing_assets dubbing_api resources sensors

pytest:
	$(BIN)/pytest -q --durations=15

ui: setup
	$(BIN)/dubflow ui

clean:
	rm -rf data .pytest_cache .mypy_cache .ruff_cache
