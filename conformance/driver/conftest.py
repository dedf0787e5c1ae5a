# Options of the conformance run, here so that they exist whichever part of
# conformance/driver pytest is pointed at (run/ or tests/).
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from rt0driver.plugin import add_options  # noqa: E402

pytest_plugins = ["pytester"]


def pytest_addoption(parser):
    add_options(parser)
