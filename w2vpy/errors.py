"""Exceptions that the command line turns into one line on stderr."""


class W2VError(ValueError):
    """Bad input or parameters: the message names the offending value."""


class CorruptInputError(W2VError):
    """An input file is not what it claims to be (truncated, corrupt, malformed)."""


class TrainingDiverged(RuntimeError):
    """The weights became NaN or infinite; nothing was saved."""


def read_input_file(path, what: str) -> bytes:
    """The bytes of an input file, or a W2VError naming the file and the problem."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise W2VError(f"{what} not found: {path}") from None
    except IsADirectoryError:
        raise W2VError(f"{what} is a directory: {path}") from None
    except OSError as exc:
        raise W2VError(f"cannot read {what} {path}: {exc.strerror}") from None
