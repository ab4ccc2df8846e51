"""decentra: simulate spreading growth out of Bangkok across Thailand's 77 provinces."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("decentra")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0+unknown"
