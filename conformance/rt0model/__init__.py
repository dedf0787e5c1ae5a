"""rt0model: what the conformance driver and the tools read, modelled once.

  catalogue  the invariant catalogue: loading, validation, where an id applies
  criterion  a Criterion suite's --list output and XML report
  ctest      the build's ctest registrations: suite runs, unit tests, not-run arches
  faults     the deliberate faults and their patches
  procs      running a suite: capped output, and nothing it starts outliving it

conformance/driver (the pytest driver) and conformance/tools (the catalogue
checks, the fault meta-test, the walk frame lists) import these modules; no
other code parses these things. Python 3.11+ standard library only.
"""
