# The conformance run: configure and build, collect one item per invariant x
# arch x link mode, run the suites, write the reports (rt0driver/plugin.py).
from rt0driver.plugin import (  # noqa: F401
    pytest_collection_modifyitems, pytest_configure, pytest_generate_tests,
    pytest_itemcollected, pytest_runtest_logreport, pytest_runtest_makereport,
    pytest_sessionfinish, pytest_sessionstart, pytest_terminal_summary, rt0)
