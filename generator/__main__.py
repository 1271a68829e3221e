"""``python -m generator`` runs the ``jarida`` command."""
from .cli import run

run()
