"""``lmsim app``: the dashboard for policy designers, in a browser (Shiny for Python).

- :mod:`lmsim.app.form`: the package form from the levers' metadata, and the package it holds;
- :mod:`lmsim.app.jobs`: compares run in the background, cached by their inputs' digest;
- :mod:`lmsim.app.page`: the page and what it does.
"""
