"""The command line, ``python -m strategy``: the same workspace operations as the app.

Exit code 0 on success; 1 with a one-line reason on stderr when the command fails, 2 (also
one line) when the arguments are wrong. Each group of commands is a module that declares
them beside their functions (``commands.py``); ``parser.py`` lists the first level and
builds the parser, importing a group's module only when the command line names it.
"""

from strategy.cli.parser import build_parser, main

__all__ = ["build_parser", "main"]
