"""Run the command line as ``python -m cam_policy_ls``."""

import sys

from cam_policy_ls.cli import main

sys.exit(main())
