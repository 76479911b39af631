"""`python -m jupyter_buckets ...` runs the same CLI as `jupyter-buckets ...`."""

import sys

from .cli import main

sys.exit(main())
