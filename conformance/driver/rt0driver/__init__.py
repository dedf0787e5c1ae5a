"""rt0driver: the conformance run's logic, kept apart from pytest's hooks.

ctestinfo  what the build registered with ctest (suite runs, not-run arches)
criterion  a Criterion suite's --list and --xml output
catalogue  conformance/invariants.toml
plan       the cells: one per invariant x arch x link mode
runner     running a suite once per arch x mode, and the hello probe's trace
trace      start-up traces: parsing, Chrome trace-event JSON, SVG timeline
report     terminal matrix, HTML page, JSON and Markdown summaries, run.json
reportdir  the report folder: its marker, its lock
merge      ci/conformance --merge: several runs' report folders as one report
plugin     the pytest hooks that tie these together
"""
