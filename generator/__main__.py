"""``python -m generator`` runs the ``jarida`` command."""
import sys

from .cli import main

sys.exit(main())
