"""``python -m w2vpy``: the commands, listed; ``python -m w2vpy COMMAND ...``
runs one (``train``, or its full name ``w2v-train``), as where the console
scripts are not on the PATH."""
from __future__ import annotations

import sys
from typing import Sequence

from w2vpy.cli import COMMANDS, HELP_ARGUMENTS, VERSION_ARGUMENT, version_line


def listing() -> str:
    width = max(len(name) for name in COMMANDS)
    lines = [f"  {name:<{width}}  {command.summary}" for name, command in COMMANDS.items()]
    return ("w2vpy: word2vec.c's tools\n\nCommands (each answers -h):\n" + "\n".join(lines)
            + "\n\nRun one as its name, or as: python -m w2vpy COMMAND [ARGS...]\n")


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in HELP_ARGUMENTS:
        sys.stdout.write(listing())
        return 0
    if args[0] == VERSION_ARGUMENT:
        sys.stdout.write(version_line("python -m w2vpy"))
        return 0
    name = args[0] if args[0] in COMMANDS else f"w2v-{args[0]}"
    if name not in COMMANDS:
        sys.stderr.write(f"python -m w2vpy: unknown command {args[0]!r}; the commands are "
                         f"{', '.join(COMMANDS)}\n")
        return 1
    from w2vpy.cli import _run
    return _run(COMMANDS[name], args[1:])


if __name__ == "__main__":
    sys.exit(main())
