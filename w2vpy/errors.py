"""Exceptions that the command line turns into one line on stderr."""


class W2VError(ValueError):
    """Bad input or parameters: the message names the offending value."""


class CorruptInputError(W2VError):
    """An input file is not what it claims to be (truncated, corrupt, malformed)."""


class WrongType(W2VError, TypeError):
    """A value of the wrong type (a sentence that is no sequence of str):
    gensim raises TypeError there, so this is one too."""


class NotTrainable(W2VError, RuntimeError):
    """The model lacks what the call needs (no word to train on, no output
    layer for it): gensim raises RuntimeError there, so this is one too."""


class EmptyQuery(W2VError, ZeroDivisionError):
    """A query over no keys at all (``n_similarity`` of an empty list): gensim
    raises ZeroDivisionError there, so this is one too."""


class TruncatedInput(CorruptInputError, EOFError):
    """An input file that ends before what its header promises: gensim raises
    EOFError there, so this is one too."""


class WrongKind(W2VError, AttributeError):
    """A file that holds another kind of thing than the loader makes (word
    vectors given to ``Word2Vec.load``): gensim raises AttributeError there,
    so this is one too."""


class TrainingDiverged(RuntimeError):
    """The weights became NaN or infinite; nothing was saved."""


class W2VWarning(UserWarning):
    """Something worth knowing that does not stop the work (words skipped, a
    schedule at its end)."""
