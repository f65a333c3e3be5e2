# The two commands: `make report` (set up + the demo weekly report) and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
DEMO := data/demo_records.csv
SERVICES := data/demo_services.csv

.PHONY: setup report test lab demo-data clean airflow-check

setup:
	@bash scripts/setup.sh

$(DEMO): | setup
	@$(BIN)/reporting demo-data --out $(DEMO)

# demo-data writes both files; older checkouts may have the records only
$(SERVICES): | setup
	@$(BIN)/reporting demo-data --out $(DEMO)

demo-data: $(DEMO) $(SERVICES)

report: setup $(DEMO) $(SERVICES)
	@$(BIN)/reporting run params/weekly.yaml -p services data/demo_services.csv

test: setup
	@bash scripts/test-deps.sh
	@$(BIN)/lint-imports --no-cache --no-logo
	@$(BIN)/python -m pytest -n 2 --dist loadscope

# the weekly fan-out DAG run by Airflow 3 in its own .venv-airflow/ (created once from requirements-airflow.lock)
airflow-check: setup
	@bash scripts/airflow-check.sh

lab: setup $(DEMO)
	@$(BIN)/jupyter lab notebooks/reports/weekly_report.ipynb

clean:
	rm -rf outputs/weekly
