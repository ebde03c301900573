"""pytest plugin: with --doctest-modules, keep doctests only from the files the project runs.

The bot adds --doctest-modules for modules a test names in unittest's `load_tests`
(`DocTestSuite('pkg.mod')`); pytest would then also doctest every test file, which the project
never does. CODEFLASH_DOCTEST_ONLY lists the kept files (os.pathsep-separated, relative to the
working directory); other doctest items are deselected.
"""

import os


def pytest_collection_modifyitems(config, items):
    listed = os.environ.get("CODEFLASH_DOCTEST_ONLY", "")
    allowed = {os.path.realpath(p) for p in listed.split(os.pathsep) if p}
    if not allowed:
        return
    keep, drop = [], []
    for item in items:
        stray = type(item).__name__ == "DoctestItem" and os.path.realpath(item.path) not in allowed
        (drop if stray else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
