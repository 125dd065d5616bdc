"""Run the language server on stdio with cProfile, which starts on SIGUSR1 and writes its stats on exit.

Usage: python bench/profiled_server.py STATS_FILE

Starting the profiler by signal leaves the imports and initialize out of the profile. Only
the main thread is profiled, which is where pygls runs the handlers.
"""

import atexit
import cProfile
import signal
import sys

from cam_policy_ls.cli import main

profiler = cProfile.Profile()


def _start_profiling(signal_number: int, frame: object) -> None:
    profiler.enable()


def _write_stats() -> None:
    profiler.disable()
    profiler.dump_stats(sys.argv[1])


signal.signal(signal.SIGUSR1, _start_profiling)
atexit.register(_write_stats)
sys.exit(main(["serve"]))
