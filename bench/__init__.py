"""The benchmark harness (issue 7): national-scale data and the measurements.

- :mod:`bench.generate` writes the data (``python manage.py bench_data --scale S``);
- :mod:`bench.run` measures the pages, the actions, closing, the PDF and HTTP throughput
  against the budgets and writes ``bench/results/<date>.json`` and ``.md`` (``make bench``).

See README.md, "Performance".
"""
