"""Test-only: on PYTHONPATH during the tests so that every Python process records the Jupyter kernels it starts."""
