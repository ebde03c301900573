"""codeflash-bot: proves and measures rewrites, keeps real wins."""

__version__ = "0.1.0"
