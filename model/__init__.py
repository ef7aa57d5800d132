"""lmsim: an agent-based simulation of a local labour market and the funds that pay for its policies."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("lmsim")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
