# Options of the conformance run, here so that they exist whichever part of
# conformance/driver pytest is pointed at (run/ or tests/).
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]  # rt0driver, and rt0model beside it

from rt0driver.plugin import add_options  # noqa: E402

pytest_plugins = ["pytester"]


def pytest_addoption(parser):
    add_options(parser)
