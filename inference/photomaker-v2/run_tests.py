"""Runs this folder's tests (as `python3 -m unittest` does) and, with --json PATH, writes a small
report the project's test summary counts (scripts/test-summary.ts reads numPassedTests and
numFailedTests, the keys of Vitest's JSON report). Exits non-zero when a test fails."""

import argparse
import json
import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
parser = argparse.ArgumentParser()
parser.add_argument("--json", help="write the counts (and failed tests' names) here")
args = parser.parse_args()

os.chdir(here)
sys.path.insert(0, here)
suite = unittest.defaultTestLoader.discover(here, top_level_dir=here)
result = unittest.TextTestRunner(verbosity=2).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
passed = result.testsRun - failed - len(result.skipped)
if args.json:
    os.makedirs(os.path.dirname(os.path.abspath(args.json)), exist_ok=True)
    with open(args.json, "w", encoding="utf-8") as f:
        # Named, so the summary at the end of CI's log says which one failed.
        failures = ["inference/photomaker-v2 › %s" % test.id() for test, _ in result.failures + result.errors]
        failures += ["inference/photomaker-v2 › %s (passed, but was expected to fail)" % test.id() for test in result.unexpectedSuccesses]
        json.dump({"tool": "python-unittest", "suite": "inference/photomaker-v2", "numPassedTests": passed, "numFailedTests": failed, "numTotalTests": result.testsRun, "failures": failures}, f)
print("python: %d passed, %d failed" % (passed, failed))
sys.exit(0 if result.wasSuccessful() and result.testsRun > 0 else 1)
