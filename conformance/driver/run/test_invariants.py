"""One item per invariant x arch x link mode (the cells are made in
rt0driver/plugin.py's pytest_generate_tests): runs the invariant's Criterion
test in that arch's and mode's suite run and passes, fails, skips or xfails
with it."""


def test_invariant(rt0_cell, rt0):
    rt0.check(rt0_cell)
