"""slowdemo: a small, deliberately slow package used to demonstrate and test codeflash-bot.

- ``slowdemo.hot``: functions written with one well-known performance anti-pattern each.
- ``slowdemo.optimal``: functions that are already written the fast way.
- ``slowdemo.traps``: functions where the obvious rewrite is wrong or not faster.
"""

__version__ = "0.1.0"
