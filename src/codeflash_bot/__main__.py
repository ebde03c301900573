"""`python -m codeflash_bot` runs the CLI."""

from codeflash_bot.cli import main

main()
