# The two commands: `make report` (set up + the demo weekly report) and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
DEMO := data/demo_records.csv

.PHONY: setup report test lab demo-data clean

setup:
	@bash scripts/setup.sh

$(DEMO): | setup
	@$(BIN)/reporting demo-data --out $(DEMO)

demo-data: $(DEMO)

report: setup $(DEMO)
	@$(BIN)/reporting run params/weekly.yaml

test: setup
	@$(BIN)/python -m pytest

lab: setup $(DEMO)
	@$(BIN)/jupyter lab notebooks/reports/weekly_report.ipynb

clean:
	rm -rf outputs/weekly
