"""aibom: what a machine-learning model is made of, and whether it is really open."""

__version__ = "0.1.0"
